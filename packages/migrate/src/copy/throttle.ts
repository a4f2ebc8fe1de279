/**
 * Pacing: a rate limit on messages and bytes per second (shared by every lane and mailbox that
 * holds the same instance), a counting semaphore for per-host connection limits, and the backoff
 * used after a lost connection or a server that says it is busy.
 */

export interface ThrottleLimits {
  /** Messages per second; undefined or 0 means no limit. */
  readonly messagesPerSecond?: number;
  readonly bytesPerSecond?: number;
}

/**
 * Two token buckets (messages, bytes) refilled continuously, each holding at most one second of
 * budget, so a pause is not followed by a burst. A message larger than a second's worth of bytes
 * still passes: it waits until the bucket is full, then takes it into debt.
 */
export class Throttle {
  readonly #mps: number;
  readonly #bps: number;
  #msgTokens: number;
  #byteTokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();
  readonly #now: () => number;

  constructor(limits: ThrottleLimits = {}, now: () => number = () => performance.now()) {
    this.#mps = limits.messagesPerSecond ?? 0;
    this.#bps = limits.bytesPerSecond ?? 0;
    this.#msgTokens = this.#mps;
    this.#byteTokens = this.#bps;
    this.#now = now;
    this.#last = now();
  }

  get limited(): boolean {
    return this.#mps > 0 || this.#bps > 0;
  }

  /** Waits until one message of `bytes` may go; callers are served in order. */
  take(bytes: number): Promise<void> {
    if (!this.limited) return Promise.resolve();
    const turn = this.#queue.then(() => this.#wait(bytes));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #wait(bytes: number): Promise<void> {
    for (;;) {
      this.#refill();
      const needMsg = this.#mps > 0 ? Math.max(0, 1 - this.#msgTokens) / this.#mps : 0;
      // Bytes: wait for a full bucket at most (see the class comment).
      const wantBytes = Math.min(bytes, this.#bps);
      const needBytes = this.#bps > 0 ? Math.max(0, wantBytes - this.#byteTokens) / this.#bps : 0;
      const waitS = Math.max(needMsg, needBytes);
      if (waitS <= 0) break;
      await sleep(Math.ceil(waitS * 1000));
    }
    if (this.#mps > 0) this.#msgTokens -= 1;
    if (this.#bps > 0) this.#byteTokens -= bytes;
  }

  #refill(): void {
    const now = this.#now();
    const dt = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    if (this.#mps > 0) this.#msgTokens = Math.min(this.#mps, this.#msgTokens + dt * this.#mps);
    if (this.#bps > 0) this.#byteTokens = Math.min(this.#bps, this.#byteTokens + dt * this.#bps);
  }
}

/** At most `limit` holders at a time; waiters are served in arrival order. */
export class Semaphore {
  #free: number;
  readonly #waiters: { units: number; resolve: () => void }[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
    this.#free = this.#limit;
  }

  readonly #limit: number;

  /** Takes `n` units at once (at most the limit), in arrival order. */
  async acquire(n = 1): Promise<() => void> {
    const units = Math.min(Math.max(1, n), this.#limit);
    if (this.#waiters.length === 0 && this.#free >= units) this.#free -= units;
    else await new Promise<void>((resolve) => { this.#waiters.push({ units, resolve }); });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#free += units;
      this.#wake();
    };
  }

  #wake(): void {
    while (this.#waiters.length > 0 && this.#free >= this.#waiters[0]!.units) {
      const w = this.#waiters.shift()!;
      this.#free -= w.units;
      w.resolve();
    }
  }
}

/** Connection limits per `host:port`, shared by the mailboxes of a batch. */
export class HostLimits {
  readonly #perHost: number;
  readonly #hosts = new Map<string, Semaphore>();

  constructor(perHost: number) {
    this.#perHost = perHost;
  }

  /**
   * One unit per entry of `hostPorts` (a name twice takes two), taken host by host in sorted
   * order: every caller locks in the same order, so no two callers wait on each other.
   */
  async acquire(hostPorts: readonly string[]): Promise<() => void> {
    const counts = new Map<string, number>();
    for (const h of hostPorts) counts.set(h, (counts.get(h) ?? 0) + 1);
    const releases: (() => void)[] = [];
    for (const h of [...counts.keys()].sort()) {
      let s = this.#hosts.get(h);
      if (!s) this.#hosts.set(h, (s = new Semaphore(this.#perHost)));
      releases.push(await s.acquire(counts.get(h)));
    }
    return () => { for (const r of releases) r(); };
  }
}

/** Exponential backoff with ±20 % jitter, so parallel lanes do not retry in step. */
export function backoffDelay(attempt: number, baseMs: number, maxMs = 60_000): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d * (0.8 + Math.random() * 0.4));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason as Error); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(signal!.reason as Error); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
