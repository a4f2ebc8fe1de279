/**
 * Reception point, SMTP side (RFC 6109 §3.2): whatever arrives on the inter-provider listener is
 * made durable (blob fsynced, inbound job committed) before the 250 reply, then processed by
 * the job runner (inbound.ts). Routing decisions that can be made before DATA (relay refused,
 * ordinary mail refused by every recipient mailbox) are made here.
 */
import { createHash } from 'node:crypto';
import { parseMessage } from '@recapito/core';
import { domainOf, lowerAddress, type ProviderContext } from './context.ts';
import type { InboundPayload } from './emit.ts';

export interface Refusal { readonly code: number; readonly enhanced: string; readonly message: string }

/** RCPT TO on the inter-provider listener: only our domains (we are not an open relay). */
export async function acceptRecipient(ctx: ProviderContext, address: string): Promise<Refusal | undefined> {
  if (!(await ctx.store.accounts.isLocalDomain(domainOf(address)))) {
    return { code: 550, enhanced: '5.7.1', message: `relay non consentito: ${domainOf(address)} non è un dominio di questo gestore` };
  }
  return undefined;
}

function looksSigned(raw: Uint8Array): boolean {
  try {
    return parseMessage(raw).root.contentType.mime === 'multipart/signed';
  } catch {
    return false;
  }
}

/** DATA on the inter-provider listener: durable before the reply. */
export async function receive(ctx: ProviderContext, raw: Uint8Array, envelope: { mailFrom: string; rcptTo: readonly string[] }, source: string): Promise<Refusal | undefined> {
  const rcptTo = envelope.rcptTo.map(lowerAddress);
  if (!looksSigned(raw)) {
    // Ordinary mail: refused outright when no recipient mailbox accepts it (RFC 6109 §2.2.2).
    let anyAccepts = false;
    for (const r of rcptTo) {
      const m = await ctx.store.accounts.getMailbox(r);
      if (m && m.acceptsOrdinaryMail && !m.readOnly && !m.ceasedAt) anyAccepts = true;
    }
    if (!anyAccepts) return { code: 550, enhanced: '5.7.1', message: 'casella di posta elettronica certificata: la posta ordinaria non è accettata' };
  }
  const blob = await ctx.store.blobs.put([raw]);
  const key = `smtp:${blob.id}:${createHash('sha256').update(rcptTo.join(',')).update(envelope.mailFrom).digest('hex').slice(0, 32)}`;
  const payload: InboundPayload = { blobId: blob.id, mailFrom: lowerAddress(envelope.mailFrom), rcptTo, source };
  await ctx.store.queue.enqueue([{ kind: 'inbound', key, payload }]);
  ctx.notify();
  return undefined;
}
