/**
 * Outbound delivery of the outbox (RFC 6109 §5.3: SMTP with STARTTLS between providers). The
 * bytes are those committed with the producing step, so a resend after a crash is the same
 * message and the receiving provider drops the duplicate. Transient failures are retried with
 * backoff; idle time is capped at 24 hours (RFC 6109 §2.2.2) — the sender's 12 h / 24 h notices
 * report the outcome meanwhile.
 */
import { resolveRoute, sendMessage, SmtpSendError } from '@recapito/smtp';
import type { Job } from '@recapito/store';
import type { ProviderContext } from './context.ts';
import { logEntry, type SendPayload } from './emit.ts';

export interface OutboundOptions {
  /** Our host name for EHLO. */
  readonly hostname: string;
  /** Extra CAs trusted for STARTTLS to other providers (private networks, tests). */
  readonly tlsCa?: readonly string[];
  /** Verify the peer certificate (default true). */
  readonly verifyTls?: boolean;
  readonly timeoutMs?: number;
  /** Static routes `domain → host:port` for non-PEC domains (smarthost, private networks). */
  readonly routes?: Readonly<Record<string, string>>;
}

/** Thrown to ask the runner for a later retry. */
export class RetryLater extends Error {
  constructor(message: string, readonly delayMs?: number) {
    super(message);
  }
}

const GIVE_UP_AFTER_MS = 24 * 3600_000;

export async function processSend(ctx: ProviderContext, job: Job<SendPayload>, opts: OutboundOptions): Promise<void> {
  const entry = await ctx.store.outbox.get(job.payload.outboxId);
  if (!entry || entry.sentAt) {
    await ctx.store.queue.complete(job.id);
    return;
  }
  const now = ctx.clock.now();
  const record = ctx.index().providerForDomain(entry.domain);
  const isPec = record !== undefined;
  const chunks = [await ctx.store.blobs.get(entry.blobId)];
  let lastError = 'no route';
  let routes: { host: string; port: number }[] = [];
  try {
    routes = await resolveRoute(entry.domain, record?.route ?? opts.routes?.[entry.domain] ?? opts.routes?.['*']);
  } catch (err) {
    lastError = `route: ${(err as Error).message}`;
  }
  for (const r of routes) {
    try {
      const result = await sendMessage(r, { mailFrom: entry.mailFrom, rcptTo: [...entry.rcptTo], chunks }, {
        name: opts.hostname,
        requireTls: isPec,
        // Between providers TLS is required and verified (RFC 6109 §5.3); towards ordinary
        // Internet mail it is opportunistic, as most MX hosts present unverifiable certificates.
        tls: { ...(opts.tlsCa ? { ca: [...opts.tlsCa] } : {}), rejectUnauthorized: isPec ? (opts.verifyTls ?? true) : false },
        timeoutMs: opts.timeoutMs ?? 60_000,
      });
      await ctx.store.transaction(async (tx) => {
        await tx.outbox.markSent(entry.id, now);
        await tx.log.append([logEntry(now, 'invio-smtp', {
          messageId: null, sender: entry.mailFrom, recipients: result.accepted,
          details: { outboxKey: entry.key, host: `${r.host}:${r.port}`, rejected: result.rejected },
        })]);
        await tx.queue.complete(job.id);
      });
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      if (err instanceof SmtpSendError && !err.transient) {
        await ctx.store.transaction(async (tx) => {
          await tx.outbox.markAttempt(entry.id, lastError);
          await tx.log.append([logEntry(now, 'invio-smtp-fallito', { sender: entry.mailFrom, recipients: [...entry.rcptTo], details: { outboxKey: entry.key, error: lastError, permanent: true } })]);
          await tx.queue.complete(job.id);
        });
        return;
      }
    }
  }
  await ctx.store.outbox.markAttempt(entry.id, lastError);
  if (now.getTime() - entry.createdAt.getTime() > GIVE_UP_AFTER_MS) {
    await ctx.store.transaction(async (tx) => {
      await tx.log.append([logEntry(now, 'invio-smtp-fallito', { sender: entry.mailFrom, recipients: [...entry.rcptTo], details: { outboxKey: entry.key, error: lastError, permanent: false, gaveUpAfterHours: 24 } })]);
      await tx.queue.complete(job.id);
    });
    return;
  }
  throw new RetryLater(lastError);
}
