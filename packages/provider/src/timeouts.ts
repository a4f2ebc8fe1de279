/**
 * Timeout notices (RFC 6109 §3.1.6, DPR 68/2005 art. 8): 12 h after acceptance, recipients with
 * neither take-in-charge nor delivery/non-delivery get a warning; at 23 h (inside the required
 * [22 h, 24 h] window) recipients without delivery/non-delivery get the final notice and the
 * transaction stops tracking them.
 */
import { buildTimeoutNotice, type BuiltMessage, type Certification } from '@recapito/core';
import type { BlobRef, Job } from '@recapito/store';
import type { ProviderContext } from './context.ts';
import { logEntry, route, storeBuilt } from './emit.ts';

export interface TimeoutPayload {
  readonly pecMsgId: string;
  readonly hours: 12 | 24;
}

export async function processTimeout(ctx: ProviderContext, job: Job<TimeoutPayload>): Promise<void> {
  const { pecMsgId, hours } = job.payload;
  const t = await ctx.store.transactions.get(pecMsgId);
  const at = ctx.clock.now();
  const due = (t?.recipients ?? []).filter((r) => (hours === 12 ? r.state === 'pending' && !r.warned : r.state === 'pending' || r.state === 'taken'));
  const cert = t?.certification as Certification | undefined;
  const notices: { rcpt: string; built: BuiltMessage; blob: BlobRef }[] = [];
  if (t && cert) {
    for (const r of due) {
      const built = await buildTimeoutNotice({ provider: ctx.identity, cert, at }, { recipient: r.address, hours });
      notices.push({ rcpt: r.address, built, blob: await storeBuilt(ctx, built) });
    }
  }
  await ctx.store.transaction(async (tx) => {
    for (const n of notices) {
      await route(tx, { blob: n.blob, mailFrom: ctx.identity.serviceAddress, rcptTo: [t!.sender], key: `t${hours}:${pecMsgId}:${n.rcpt}` });
      if (hours === 12) await tx.transactions.markWarned(pecMsgId, n.rcpt);
      else await tx.transactions.setRecipientState(pecMsgId, n.rcpt, 'expired');
    }
    if (notices.length) {
      await tx.log.append(notices.map((n) => logEntry(at, hours === 12 ? 'preavviso-12h' : 'preavviso-24h', { pecMsgId, messageId: n.built.messageId, sender: t!.sender, recipients: [n.rcpt], subject: t!.subject })));
    }
    await tx.queue.complete(job.id);
  });
  if (notices.length) ctx.notify();
}
