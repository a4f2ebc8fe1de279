/**
 * Processing of a received message (reception point + delivery point, RFC 6109 §3.2–3.3):
 * verify signature and index membership, then a valid transport envelope is delivered with its
 * receipts, a valid receipt is filed and updates the sender-side transaction, and anything else
 * becomes an anomaly envelope (or is dropped where ordinary mail is not accepted).
 */
import { inspectMessage, type Inspection } from '@recapito/core';
import type { Job } from '@recapito/store';
import { domainOf, type ProviderContext } from './context.ts';
import type { InboundPayload } from './emit.ts';
import { handleEnvelope } from './inbound-envelope.ts';
import { handleReceipt } from './inbound-receipt.ts';
import { handleAnomaly } from './inbound-anomaly.ts';

export interface Received {
  readonly job: Job<InboundPayload>;
  readonly raw: Uint8Array;
  readonly inspection: Inspection;
  /** Message-ID of the received message, or a content hash when absent. */
  readonly messageId: string;
  /**
   * What makes a delivery a duplicate: for a valid PEC message its Message-ID (unique, signed by
   * a provider); for anything else the Message-ID and the content hash, so that a retransmission
   * is dropped but a different message reusing an id (a forged copy) is still processed.
   */
  readonly dedupKey: string;
  /** Recipients of this SMTP transaction in our domains. */
  readonly rcptTo: readonly string[];
  readonly at: Date;
}

const RECEIPTS = new Set(['accettazione', 'non-accettazione', 'presa-in-carico', 'avvenuta-consegna', 'errore-consegna', 'preavviso-errore-consegna', 'rilevazione-virus']);

export async function processInbound(ctx: ProviderContext, job: Job<InboundPayload>): Promise<void> {
  const p = job.payload;
  const raw = await ctx.store.blobs.get(p.blobId);
  const at = ctx.clock.now();
  const inspection = await inspectMessage(raw, { at, index: ctx.index(), trustAnchorsPem: [...ctx.trustAnchorsPem] });
  // Without a Message-ID (or when unparseable) the content hash identifies the message.
  const messageId = inspection.messageId ?? `sha256:${p.blobId}`;
  const rcptTo: string[] = [];
  for (const r of p.rcptTo) if (await ctx.store.accounts.isLocalDomain(domainOf(r))) rcptTo.push(r);
  const dedupKey = inspection.ok ? messageId : `${messageId}#${p.blobId}`;
  const rec: Received = { job, raw, inspection, messageId, dedupKey, rcptTo, at };
  if (inspection.ok && inspection.kind === 'posta-certificata') return handleEnvelope(ctx, rec);
  if (inspection.ok && RECEIPTS.has(inspection.kind)) return handleReceipt(ctx, rec);
  return handleAnomaly(ctx, rec);
}
