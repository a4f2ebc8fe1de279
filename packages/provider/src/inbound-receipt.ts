/**
 * A valid receipt or notice arrived (RFC 6109 §3.2, §4.3): the delivery point files it, as it
 * is, in the addressee's mailbox (take-in-charge and virus detection notices in our service
 * mailbox), and when it concerns a transaction of one of our users, moves that recipient's
 * state forward (stopping the 12 h / 24 h timers) and, for a virus detection, notifies the
 * sender (RFC 6109 §3.2.4).
 */
import { buildVirusNonDelivery, type Certification } from '@recapito/core';
import type { BlobRef, RecipientState } from '@recapito/store';
import { lowerAddress, type ProviderContext } from './context.ts';
import { logEntry, route, storeBuilt } from './emit.ts';
import type { Received } from './inbound.ts';

const STATE_OF: Record<string, RecipientState | undefined> = {
  'presa-in-carico': 'taken',
  'avvenuta-consegna': 'delivered',
  'errore-consegna': 'failed',
  'rilevazione-virus': 'failed',
};

export async function handleReceipt(ctx: ProviderContext, rec: Received): Promise<void> {
  const { inspection, at } = rec;
  const d = inspection.daticert!;
  const kind = inspection.kind;
  const pecMsgId = d.identificativo;
  const ours = await ctx.store.transactions.get(pecMsgId);
  const state = STATE_OF[kind];
  const subjects = state === 'taken' ? d.ricezione : d.consegna ? [d.consegna] : [];
  let virusNotice: { blob: BlobRef; messageId: string; rcpt: string } | undefined;
  if (ours && kind === 'rilevazione-virus' && d.consegna) {
    const cert = ours.certification as Certification;
    const built = await buildVirusNonDelivery({ provider: ctx.identity, cert, at }, { recipient: d.consegna, virus: d.erroreEsteso ?? 'contenuto malevolo' });
    virusNotice = { blob: await storeBuilt(ctx, built), messageId: built.messageId, rcpt: d.consegna };
  }
  const blob: BlobRef = { id: rec.job.payload.blobId, size: rec.raw.length };
  await ctx.store.transaction(async (tx) => {
    const log = [];
    for (const rcpt of rec.rcptTo) {
      if (!(await tx.received.markReceived(rec.dedupKey, rcpt, at))) continue;
      const mailbox = await tx.accounts.getMailbox(rcpt);
      if (!mailbox || mailbox.ceasedAt || mailbox.readOnly) {
        // Receipts are never answered with notices (RFC 6109 §4.3); the log keeps the trace.
        log.push(logEntry(at, 'ricevuta-non-consegnata', { pecMsgId, messageId: rec.messageId, recipients: [rcpt], subject: d.oggetto ?? null, details: { kind, reason: mailbox ? 'casella non disponibile' : 'casella inesistente' } }));
        continue;
      }
      await tx.mailboxes.append({ mailboxId: mailbox.id, blob, internalDate: at });
      log.push(logEntry(at, `ricevuta-${kind}`, { pecMsgId, messageId: rec.messageId, sender: d.mittente, recipients: [rcpt], subject: d.oggetto ?? null, details: { issuer: d.gestoreEmittente, error: d.errore, consegna: d.consegna ?? null, ricezione: d.ricezione } }));
    }
    if (ours && state) {
      for (const s of subjects) await tx.transactions.setRecipientState(pecMsgId, lowerAddress(s), state);
    }
    if (virusNotice) {
      await route(tx, { blob: virusNotice.blob, mailFrom: ctx.identity.serviceAddress, rcptTo: [ours!.sender], key: `virus:${pecMsgId}:${virusNotice.rcpt}` });
      log.push(logEntry(at, 'errore-consegna-virus', { pecMsgId, messageId: virusNotice.messageId, sender: ours!.sender, recipients: [virusNotice.rcpt], subject: ours!.subject }));
    }
    if (log.length) await tx.log.append(log);
    await tx.queue.complete(rec.job.id);
  });
  ctx.notify();
}
