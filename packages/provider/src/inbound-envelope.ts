/**
 * A valid transport envelope arrived (RFC 6109 §3.2.1, §3.3): one take-in-charge receipt to the
 * sending provider covering our recipients, then per recipient either delivery into INBOX with a
 * delivery receipt in the requested variant, or a non-delivery notice. All outputs, the
 * deliveries and the dedup marks commit together with the job.
 */
import {
  buildDeliveryReceipt, buildNonDelivery, buildTakeInCharge, decodeBody, headerValues, parseAddressList,
  parseMessage, variantForRecipient, walk, type BuiltMessage, type Certification, type Daticert, type ParsedMessage,
} from '@recapito/core';
import type { BlobRef } from '@recapito/store';
import { lowerAddress, type ProviderContext } from './context.ts';
import { logEntry, route, storeBuilt } from './emit.ts';
import { decideDelivery } from './delivery.ts';
import type { Received } from './inbound.ts';

/** The certification data of the transaction, as the envelope's daticert.xml states them. */
export function certificationFromDaticert(d: Daticert): Certification {
  return {
    sender: lowerAddress(d.mittente),
    recipients: d.destinatari.map((x) => ({ address: lowerAddress(x.address), type: x.tipo })),
    replyTo: d.risposte,
    subject: d.oggetto ?? '',
    ...(d.msgid ? { clientMsgId: d.msgid } : {}),
    pecMsgId: d.identificativo,
    receiptVariant: d.ricevuta ?? 'completa',
  };
}

function postacertOf(msg: ParsedMessage): Uint8Array | undefined {
  const node = [...walk(msg.root)].find((n) => n.contentType.mime === 'message/rfc822');
  return node ? decodeBody(msg, node).bytes : undefined;
}

export async function handleEnvelope(ctx: ProviderContext, rec: Received): Promise<void> {
  const { inspection, raw, at } = rec;
  const cert = certificationFromDaticert(inspection.daticert!);
  const bctx = { provider: ctx.identity, cert, at };
  const signerHash = inspection.signature.signer?.sha1 ?? '';
  const senderProvider = ctx.index().providerForCertificateHash(signerHash);
  const mailReceipt = senderProvider?.mailReceipt ?? `posta-certificata@${cert.sender.split('@')[1]}`;
  const envelope = parseMessage(raw);
  const outer = envelope.root.headers;
  const to = new Set(headerValues(outer, 'to').flatMap((v) => parseAddressList(v)).map((m) => lowerAddress(m.address)));
  const cc = new Set(headerValues(outer, 'cc').flatMap((v) => parseAddressList(v)).map((m) => lowerAddress(m.address)));
  const postacert = postacertOf(envelope);

  const take = await buildTakeInCharge(bctx, { to: mailReceipt, ricezione: rec.rcptTo });
  const outputs: { rcpt: string; built: BuiltMessage; delivered: boolean; detail?: string }[] = [];
  for (const rcpt of rec.rcptTo) {
    const decision = decideDelivery(await ctx.store.accounts.getMailbox(rcpt), raw.length);
    if (decision.ok) {
      const variant = variantForRecipient(cert.receiptVariant, cc.has(rcpt) && !to.has(rcpt));
      const built = await buildDeliveryReceipt(bctx, { recipient: rcpt, variant, ...(postacert ? { postacert } : {}) });
      outputs.push({ rcpt, built, delivered: true });
    } else {
      const built = await buildNonDelivery(bctx, { recipient: rcpt, reason: decision.reason, detail: decision.detail });
      outputs.push({ rcpt, built, delivered: false, detail: decision.detail });
    }
  }
  const envelopeBlob: BlobRef = { id: rec.job.payload.blobId, size: raw.length };
  const takeBlob = await storeBuilt(ctx, take);
  const blobs = await Promise.all(outputs.map((o) => storeBuilt(ctx, o.built)));
  await ctx.store.transaction(async (tx) => {
    const fresh: string[] = [];
    for (const r of rec.rcptTo) if (await tx.received.markReceived(rec.dedupKey, r, at)) fresh.push(r);
    if (fresh.length > 0) {
      await route(tx, { blob: takeBlob, mailFrom: ctx.identity.serviceAddress, rcptTo: [mailReceipt], key: `presa:${cert.pecMsgId}:${rec.messageId}:${fresh.join(',')}` });
    }
    const log = [logEntry(at, 'ricezione-busta', { pecMsgId: cert.pecMsgId, messageId: rec.messageId, sender: cert.sender, recipients: fresh, subject: cert.subject, details: { source: rec.job.payload.source, provider: inspection.signature.provider ?? null } })];
    if (fresh.length > 0) log.push(logEntry(at, 'presa-in-carico', { pecMsgId: cert.pecMsgId, messageId: take.messageId, sender: cert.sender, recipients: fresh, subject: cert.subject, details: { to: mailReceipt } }));
    for (const [i, o] of outputs.entries()) {
      if (!fresh.includes(o.rcpt)) continue;
      if (o.delivered) {
        const mailbox = (await tx.accounts.getMailbox(o.rcpt))!;
        await tx.mailboxes.append({ mailboxId: mailbox.id, blob: envelopeBlob, internalDate: at });
      }
      const kind = o.delivered ? 'consegna' : 'errore-consegna';
      await route(tx, { blob: blobs[i]!, mailFrom: ctx.identity.serviceAddress, rcptTo: [cert.sender], key: `${kind}:${cert.pecMsgId}:${o.rcpt}` });
      log.push(logEntry(at, kind, { pecMsgId: cert.pecMsgId, messageId: o.built.messageId, sender: cert.sender, recipients: [o.rcpt], subject: cert.subject, details: o.detail ? { error: o.detail } : {} }));
    }
    await tx.log.append(log);
    await tx.queue.complete(rec.job.id);
  });
  ctx.notify();
}


