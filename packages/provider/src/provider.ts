/**
 * Composition of a provider: context, job runner with its handlers, SMTP backends. Listening
 * sockets and configuration belong to the application; this wires the pipeline.
 */
import { ProvidersIndex, pemToDerList, providerCertificateHash, type Clock, type ProviderIdentity, type ProviderRecord } from '@recapito/core';
import type { Job, StoredProvider, Store } from '@recapito/store';
import type { SmtpBackend } from '@recapito/smtp';
import { silentLogger, type Logger, type ProviderContext } from './context.ts';
import { processInbound } from './inbound.ts';
import { processSend, type OutboundOptions } from './outbound.ts';
import { processTimeout, type TimeoutPayload } from './timeouts.ts';
import { JobRunner, type RunnerOptions } from './runner.ts';
import { inboundBackend, submissionBackend } from './backends.ts';
import type { InboundPayload, SendPayload } from './emit.ts';

export interface ProviderOptions {
  readonly store: Store;
  readonly identity: ProviderIdentity;
  readonly clock: Clock;
  readonly outbound: OutboundOptions;
  readonly trustAnchorsPem?: readonly string[];
  readonly logger?: Logger;
  readonly runner?: RunnerOptions;
  /** How often the providers' index is re-read from the store (CLI changes), ms. */
  readonly indexRefreshMs?: number;
}

export function toRecord(p: StoredProvider): ProviderRecord {
  const certificates = p.certificates.flatMap((pem) => pemToDerList(pem));
  return {
    name: p.name,
    certificateHashes: certificates.map((c) => providerCertificateHash(c)),
    certificates,
    mailReceipt: p.mailReceipt,
    managedDomains: [...p.domains],
    ...(p.route ? { route: p.route } : {}),
  };
}

/** The oldest instant the message log must still hold: 30 months before `now`. */
export function retentionLimit(now: Date): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - 30);
  return d;
}

export class Provider {
  readonly ctx: ProviderContext;
  readonly runner: JobRunner;
  readonly submission: SmtpBackend;
  readonly inbound: SmtpBackend;
  #index = new ProvidersIndex([]);
  #indexKey = '';
  #timer: NodeJS.Timeout | undefined;
  #purgeTimer: NodeJS.Timeout | undefined;
  readonly #refreshMs: number;

  private constructor(opts: ProviderOptions) {
    this.#refreshMs = opts.indexRefreshMs ?? 2000;
    this.ctx = {
      store: opts.store,
      identity: opts.identity,
      clock: opts.clock,
      index: () => this.#index,
      trustAnchorsPem: opts.trustAnchorsPem ?? [],
      logger: opts.logger ?? silentLogger,
      notify: () => this.runner?.notify(),
    };
    const ctx = this.ctx;
    this.runner = new JobRunner(opts.store, opts.clock, {
      inbound: (job: Job) => processInbound(ctx, job as Job<InboundPayload>),
      send: (job: Job) => processSend(ctx, job as Job<SendPayload>, opts.outbound),
      timeout: (job: Job) => processTimeout(ctx, job as Job<TimeoutPayload>),
    }, ctx.logger, opts.runner);
    this.submission = submissionBackend(ctx);
    this.inbound = inboundBackend(ctx);
  }

  static async create(opts: ProviderOptions): Promise<Provider> {
    const p = new Provider(opts);
    await p.reloadIndex();
    return p;
  }

  /** Re-reads the providers' index from the store when it changed. */
  async reloadIndex(): Promise<void> {
    const stored = await this.ctx.store.index.list();
    const key = JSON.stringify(stored);
    if (key === this.#indexKey) return;
    this.#index = new ProvidersIndex(stored.map(toRecord));
    this.#indexKey = key;
  }

  /**
   * Deletes message log entries older than 30 months (RFC 6109 §2.3; DPR 68/2005: logs are kept
   * 30 months). Returns how many were removed.
   */
  async purgeLog(): Promise<number> {
    const n = await this.ctx.store.log.purge(retentionLimit(this.ctx.clock.now()));
    if (n > 0) this.ctx.logger.info({ removed: n }, 'message log entries past 30 months purged');
    return n;
  }

  start(): void {
    this.runner.start();
    const purge = (): void => void this.purgeLog().catch((err) => this.ctx.logger.warn({ err: String(err) }, 'log purge failed'));
    purge();
    this.#purgeTimer = setInterval(purge, 6 * 3600_000);
    this.#purgeTimer.unref();
    this.#timer = setInterval(() => {
      this.reloadIndex().catch((err) => this.ctx.logger.warn({ err: String(err) }, 'index reload failed'));
    }, this.#refreshMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#purgeTimer) clearInterval(this.#purgeTimer);
    await this.runner.stop();
  }
}
