/**
 * Durable job runner over the Queue port: claims due jobs with a lease, runs their handler,
 * reschedules failures with exponential backoff. A job whose worker died (kill -9) becomes
 * claimable again when its lease expires; handlers commit their outputs together with the job's
 * completion, so a re-run never duplicates anything.
 */
import type { Clock } from '@recapito/core';
import type { Job, Store } from '@recapito/store';
import type { Logger } from './context.ts';
import { RetryLater } from './outbound.ts';

export type Handler = (job: Job) => Promise<void>;

export interface RunnerOptions {
  readonly leaseMs?: number;
  readonly batch?: number;
  /** Longest sleep between polls when idle (jobs of other processes, timers). */
  readonly idleMs?: number;
  /** First retry delay; doubles per attempt up to an hour. */
  readonly retryBaseMs?: number;
}

export function backoffMs(attempts: number, baseMs = 15_000): number {
  return Math.min(3600_000, baseMs * 2 ** Math.min(attempts, 12));
}

export class JobRunner {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #handlers: Record<string, Handler>;
  readonly #logger: Logger;
  readonly #leaseMs: number;
  readonly #batch: number;
  readonly #idleMs: number;
  readonly #retryBaseMs: number;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #pendingWake = false;

  constructor(store: Store, clock: Clock, handlers: Record<string, Handler>, logger: Logger, opts: RunnerOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#handlers = handlers;
    this.#logger = logger;
    this.#leaseMs = opts.leaseMs ?? 120_000;
    this.#batch = opts.batch ?? 16;
    this.#idleMs = opts.idleMs ?? 1000;
    this.#retryBaseMs = opts.retryBaseMs ?? 15_000;
  }

  get kinds(): string[] {
    return Object.keys(this.#handlers);
  }

  /** Wakes the loop (new jobs were committed by this process). */
  notify(): void {
    this.#pendingWake = true;
    this.#wake?.();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming, waits for the jobs in hand. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Runs every job due now until none is left (tests and one-shot use). Returns how many ran. */
  async drain(maxJobs = 10_000): Promise<number> {
    let n = 0;
    for (;;) {
      const done = await this.#round();
      n += done;
      if (done === 0 || n >= maxJobs) return n;
    }
  }

  async #round(): Promise<number> {
    const jobs = await this.#store.queue.claim(this.kinds, this.#clock.now(), this.#leaseMs, this.#batch);
    await Promise.all(jobs.map((j) => this.#runOne(j)));
    return jobs.length;
  }

  async #runOne(job: Job): Promise<void> {
    const handler = this.#handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const delay = err instanceof RetryLater && err.delayMs !== undefined ? err.delayMs : backoffMs(job.attempts, this.#retryBaseMs);
      if (!(err instanceof RetryLater)) this.#logger.error({ job: job.key, kind: job.kind, attempts: job.attempts, err: message }, 'job failed');
      try {
        await this.#store.queue.retry(job.id, new Date(this.#clock.now().getTime() + delay), message);
      } catch (retryErr) {
        this.#logger.error({ job: job.key, err: String(retryErr) }, 'could not reschedule job; its lease will expire');
      }
    }
  }

  async #run(): Promise<void> {
    // A pool: up to `batch` jobs in flight, more claimed as soon as a slot frees, so one slow
    // job (a remote SMTP server taking its time) never holds back the others.
    const inFlight = new Set<Promise<void>>();
    while (this.#running) {
      let claimed = 0;
      const free = this.#batch - inFlight.size;
      if (free > 0) {
        try {
          const jobs = await this.#store.queue.claim(this.kinds, this.#clock.now(), this.#leaseMs, free);
          claimed = jobs.length;
          for (const j of jobs) {
            const p: Promise<void> = this.#runOne(j).finally(() => {
              inFlight.delete(p);
              this.#wake?.();
            });
            inFlight.add(p);
          }
        } catch (err) {
          this.#logger.error({ err: String(err) }, 'job claim failed');
        }
      }
      if (!this.#running) break;
      if (claimed > 0 && inFlight.size < this.#batch) continue;
      if (this.#pendingWake) {
        this.#pendingWake = false;
        if (inFlight.size < this.#batch) continue;
      }
      let sleep = this.#idleMs;
      if (inFlight.size === 0) {
        try {
          const next = await this.#store.queue.nextRunAt(this.kinds);
          if (next) sleep = Math.max(0, Math.min(sleep, next.getTime() - this.#clock.now().getTime()));
        } catch {
          // keep the default sleep
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, sleep);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    await Promise.all(inFlight);
  }
}
