/**
 * Anything that is not a valid PEC message (RFC 6109 §2.2.2, §3.2.2): a valid anomaly envelope
 * from a provider is delivered as it is; everything else (ordinary mail, broken or untrusted
 * signatures, malformed PEC) is wrapped in an anomaly envelope signed by us and delivered to
 * the mailboxes that accept it; the others drop it, with a log entry. No receipt is ever emitted.
 */
import { buildAnomalyEnvelope, readOriginal } from '@recapito/core';
import type { BlobRef } from '@recapito/store';
import type { ProviderContext } from './context.ts';
import { logEntry, storeBuilt } from './emit.ts';
import type { Received } from './inbound.ts';

/** Short Italian reason for the anomaly body, from the first problem found. */
export function anomalyReason(codes: readonly string[]): string {
  const c = codes[0] ?? '';
  if (c === 'SIGNATURE_ABSENT') return 'firma non presente: il messaggio non è di posta elettronica certificata';
  if (c.startsWith('CERT_') || c.startsWith('SIGNATURE_') || c === 'FROM_SIGNER_MISMATCH') return 'la firma digitale del messaggio non risulta attendibile';
  return `messaggio non conforme alle regole tecniche (${c || 'formato'})`;
}

export async function handleAnomaly(ctx: ProviderContext, rec: Received): Promise<void> {
  const { inspection, at, raw } = rec;
  const p = rec.job.payload;
  const passThrough = inspection.ok && inspection.kind === 'anomalia';
  const codes = inspection.problems.map((x) => x.code);
  let blob: BlobRef = { id: p.blobId, size: raw.length };
  let messageId = rec.messageId;
  if (!passThrough) {
    const received = readOriginal(raw);
    const built = await buildAnomalyEnvelope({ provider: ctx.identity, received, error: anomalyReason(codes), mailFrom: p.mailFrom, rcptTo: p.rcptTo, at });
    blob = await storeBuilt(ctx, built);
    messageId = built.messageId;
  }
  await ctx.store.transaction(async (tx) => {
    const log = [];
    for (const rcpt of rec.rcptTo) {
      if (!(await tx.received.markReceived(rec.dedupKey, rcpt, at))) continue;
      const m = await tx.accounts.getMailbox(rcpt);
      const accepts = m && !m.ceasedAt && !m.readOnly && (passThrough || m.acceptsOrdinaryMail) && m.usedBytes + blob.size <= m.quotaBytes;
      if (!accepts) {
        log.push(logEntry(at, 'anomalia-rifiutata', { messageId: rec.messageId, sender: p.mailFrom, recipients: [rcpt], subject: inspection.subject ?? null, details: { problems: codes, reason: m ? 'la casella non accetta il messaggio' : 'casella inesistente' } }));
        continue;
      }
      await tx.mailboxes.append({ mailboxId: m.id, blob, internalDate: at });
      log.push(logEntry(at, passThrough ? 'consegna-anomalia' : 'anomalia', { pecMsgId: inspection.pecMsgId ?? null, messageId, sender: p.mailFrom, recipients: [rcpt], subject: inspection.subject ?? null, details: { problems: codes, receivedMessageId: rec.messageId } }));
    }
    if (log.length) await tx.log.append(log);
    await tx.queue.complete(rec.job.id);
  });
}
