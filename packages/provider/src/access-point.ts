/**
 * Access point (RFC 6109 §3.1): takes an authenticated submission, runs the formal checks and
 * either emits a non-acceptance notice, or the acceptance receipt and the signed transport
 * envelope. Everything it produces is committed in one transaction before the SMTP reply, so
 * an acknowledged message is durable and its receipts exist exactly once.
 */
import {
  buildAcceptance, buildNonAcceptance, buildTransportEnvelope, formalChecks, newMessageId, readOriginal,
  RecapitoError, type Certification, type Original,
} from '@recapito/core';
import type { Mailbox } from '@recapito/store';
import { domainOf, lowerAddress, type ProviderContext } from './context.ts';
import { logEntry, route, storeBuilt } from './emit.ts';

export interface SubmitOutcome {
  readonly accepted: boolean;
  readonly pecMsgId: string;
  /** Reasons of a non-acceptance (Italian, as written in the notice). */
  readonly reasons: readonly string[];
}

/** 12 h and 24 h timers (RFC 6109 §3.1.6). The final notice is due in [T+22h, T+24h]. */
export const WARNING_AFTER_MS = 12 * 3600_000;
export const FINAL_AFTER_MS = 23 * 3600_000;

async function certificationOf(ctx: ProviderContext, o: Original, sender: string, rcptTo: readonly string[], pecMsgId: string): Promise<Certification> {
  const index = ctx.index();
  const recipients = [];
  for (const address of rcptTo) {
    const certified = index.isCertifiedDomain(domainOf(address)) || (await ctx.store.accounts.isLocalDomain(domainOf(address)));
    recipients.push({ address: lowerAddress(address), type: certified ? 'certificato' as const : 'esterno' as const });
  }
  const replyTo = o.fields.find((f) => f.key === 'reply-to');
  const replyAddress = replyTo ? /[^\s<>"]+@[^\s<>"]+/.exec(replyTo.value)?.[0] : undefined;
  return {
    sender: lowerAddress(sender), recipients, replyTo: replyAddress ?? lowerAddress(sender), subject: o.subject,
    ...(o.clientMsgId ? { clientMsgId: o.clientMsgId } : {}), pecMsgId, receiptVariant: o.receiptVariant,
  };
}

export async function submit(ctx: ProviderContext, user: Mailbox, envelope: { mailFrom: string; rcptTo: readonly string[] }, raw: Uint8Array): Promise<SubmitOutcome> {
  const at = ctx.clock.now();
  const pecMsgId = newMessageId(ctx.identity.domain, at);
  let original: Original;
  try {
    original = readOriginal(raw);
  } catch (err) {
    // An original we cannot even read (beyond MIME limits) is a formal exception too.
    const reason = `messaggio non conforme (${err instanceof RecapitoError ? err.code : 'MIME'})`;
    original = readOriginal(Buffer.from(`From: ${envelope.mailFrom}\r\nSubject: \r\n\r\n`));
    return reject(ctx, at, await certificationOf(ctx, original, envelope.mailFrom, envelope.rcptTo, pecMsgId), [reason]);
  }
  const cert = await certificationOf(ctx, original, envelope.mailFrom, envelope.rcptTo, pecMsgId);
  const violations = formalChecks(original, envelope, user.limits);
  if (violations.length > 0) return reject(ctx, at, cert, violations.map((v) => v.reason));

  const bctx = { provider: ctx.identity, cert, at };
  const acceptance = await buildAcceptance(bctx);
  const busta = await buildTransportEnvelope(bctx, original);
  const [accBlob, bustaBlob] = [await storeBuilt(ctx, acceptance), await storeBuilt(ctx, busta)];
  const certified = cert.recipients.filter((r) => r.type === 'certificato').map((r) => r.address);
  await ctx.store.transaction(async (tx) => {
    await tx.transactions.create({
      pecMsgId, sender: cert.sender, subject: cert.subject, clientMsgId: cert.clientMsgId ?? null,
      acceptedAt: at, certification: cert, recipients: certified,
    });
    await route(tx, { blob: accBlob, mailFrom: ctx.identity.serviceAddress, rcptTo: [cert.sender], key: `accettazione:${pecMsgId}` });
    // Routing data of the envelope stay those of the submission (RFC 6109 §3.1.5).
    await route(tx, { blob: bustaBlob, mailFrom: cert.sender, rcptTo: cert.recipients.map((r) => r.address), key: `busta:${pecMsgId}` });
    if (certified.length > 0) {
      await tx.queue.enqueue([
        { kind: 'timeout', key: `t12:${pecMsgId}`, payload: { pecMsgId, hours: 12 }, runAt: new Date(at.getTime() + WARNING_AFTER_MS) },
        { kind: 'timeout', key: `t24:${pecMsgId}`, payload: { pecMsgId, hours: 24 }, runAt: new Date(at.getTime() + FINAL_AFTER_MS) },
      ]);
    }
    const recipients = cert.recipients.map((r) => r.address);
    await tx.log.append([
      logEntry(at, 'accettazione', { pecMsgId, messageId: acceptance.messageId, sender: cert.sender, recipients, subject: cert.subject, details: { clientMsgId: cert.clientMsgId ?? null, recipientTypes: cert.recipients } }),
      logEntry(at, 'busta-trasporto', { pecMsgId, messageId: pecMsgId, sender: cert.sender, recipients, subject: cert.subject, details: { receiptVariant: cert.receiptVariant, size: bustaBlob.size } }),
    ]);
  });
  ctx.notify();
  return { accepted: true, pecMsgId, reasons: [] };
}

async function reject(ctx: ProviderContext, at: Date, cert: Certification, reasons: string[]): Promise<SubmitOutcome> {
  const notice = await buildNonAcceptance({ provider: ctx.identity, cert, at }, { reason: reasons.join('; ') });
  const blob = await storeBuilt(ctx, notice);
  await ctx.store.transaction(async (tx) => {
    await route(tx, { blob, mailFrom: ctx.identity.serviceAddress, rcptTo: [cert.sender], key: `non-accettazione:${cert.pecMsgId}` });
    await tx.log.append([logEntry(at, 'non-accettazione', {
      pecMsgId: cert.pecMsgId, messageId: notice.messageId, sender: cert.sender, recipients: cert.recipients.map((r) => r.address),
      subject: cert.subject, details: { reasons },
    })]);
  });
  ctx.notify();
  return { accepted: false, pecMsgId: cert.pecMsgId, reasons };
}
