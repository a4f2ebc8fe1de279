/**
 * Routing of the messages the provider generates. Every message goes where SMTP would take it:
 * to local recipients through the reception point (same-provider traffic is processed exactly
 * like traffic between providers, RFC 6109 §3.4), to other domains through the outbox. Routing
 * happens inside the caller's database transaction, with keys derived from the producing step,
 * so a step retried after a crash emits nothing twice.
 */
import type { BlobRef, NewLogEvent, Store } from '@recapito/store';
import type { BuiltMessage } from '@recapito/core';
import { domainOf, lowerAddress, type ProviderContext } from './context.ts';

export type Tx = Omit<Store, 'transaction' | 'close'>;

export interface InboundPayload {
  readonly blobId: string;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** Where it came from: an SMTP client address, or `local`. */
  readonly source: string;
}

export interface SendPayload {
  readonly outboxId: number;
}

export interface Emission {
  readonly blob: BlobRef;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** Deterministic key of the producing step, e.g. `consegna:<pecid>:<rcpt>`. */
  readonly key: string;
}

/** Stores a generated message's bytes (fsynced) before the transaction that routes it. */
export function storeBuilt(ctx: ProviderContext, built: BuiltMessage): Promise<BlobRef> {
  return ctx.store.blobs.put(built.chunks);
}

/** Routes one stored message to its recipients, inside a transaction. */
export async function route(tx: Tx, e: Emission): Promise<void> {
  const byDomain = new Map<string, string[]>();
  for (const r of e.rcptTo) {
    const d = domainOf(r);
    byDomain.set(d, [...(byDomain.get(d) ?? []), lowerAddress(r)]);
  }
  for (const [domain, rcpts] of byDomain) {
    if (await tx.accounts.isLocalDomain(domain)) {
      const payload: InboundPayload = { blobId: e.blob.id, mailFrom: e.mailFrom, rcptTo: rcpts, source: 'local' };
      await tx.queue.enqueue([{ kind: 'inbound', key: `inbound:${e.key}:${domain}`, payload }]);
    } else {
      const o = await tx.outbox.add({ key: `${e.key}:${domain}`, blobId: e.blob.id, mailFrom: e.mailFrom, rcptTo: rcpts, domain });
      const payload: SendPayload = { outboxId: o.id };
      await tx.queue.enqueue([{ kind: 'send', key: `send:${o.id}`, payload }]);
    }
  }
}

/** A log entry with the common fields filled. */
export function logEntry(at: Date, event: string, fields: Partial<Omit<NewLogEvent, 'at' | 'event'>>): NewLogEvent {
  return {
    at,
    event,
    pecMsgId: fields.pecMsgId ?? null,
    messageId: fields.messageId ?? null,
    sender: fields.sender ?? null,
    recipients: fields.recipients ?? [],
    subject: fields.subject ?? null,
    details: fields.details ?? {},
  };
}
