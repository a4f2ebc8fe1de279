/**
 * Failed-login limiter for the submission listeners (RFC 4954 §4 leaves protection against
 * password guessing to the server). Failures are counted in a sliding window, separately per
 * user name and per client address; once either count reaches the limit every further attempt
 * for that key is refused, even with the right password, until old failures leave the window.
 */
import type { Clock } from '@recapito/core';
import type { AuthLimits } from './types.ts';

/** 5 failures in 10 minutes. */
export const DEFAULT_AUTH_LIMITS: AuthLimits = { maxFailures: 5, windowMs: 10 * 60 * 1000 };

const systemClock: Clock = { now: () => new Date() };

/** Counts failed logins per user name and per address; memory is bounded by `maxKeys`. */
export class AuthFailureLimiter {
  readonly #limits: AuthLimits;
  readonly #clock: Clock;
  readonly #maxKeys: number;
  /** key → failure times (ms), oldest first, at most `maxFailures` kept. */
  readonly #failures = new Map<string, number[]>();

  constructor(limits?: Partial<AuthLimits>, clock: Clock = systemClock, maxKeys = 100_000) {
    const maxFailures = limits?.maxFailures ?? DEFAULT_AUTH_LIMITS.maxFailures;
    const windowMs = limits?.windowMs ?? DEFAULT_AUTH_LIMITS.windowMs;
    if (!(Number.isInteger(maxFailures) && maxFailures > 0 && windowMs > 0)) {
      throw new RangeError('authLimits: maxFailures must be a positive integer and windowMs positive');
    }
    this.#limits = { maxFailures, windowMs };
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  /** Which key, if any, is over the limit: `'user'`, `'address'` or `undefined`. */
  blocked(username: string, address: string): 'user' | 'address' | undefined {
    const now = this.#clock.now().getTime();
    if (this.#count(userKey(username), now) >= this.#limits.maxFailures) return 'user';
    if (this.#count(addressKey(address), now) >= this.#limits.maxFailures) return 'address';
    return undefined;
  }

  /** Records one failed attempt against both keys. */
  recordFailure(username: string, address: string): void {
    const now = this.#clock.now().getTime();
    for (const key of [userKey(username), addressKey(address)]) {
      const times = this.#live(key, now) ?? [];
      times.push(now);
      if (times.length > this.#limits.maxFailures) times.shift();
      this.#failures.delete(key); // re-insert: the map stays ordered by last failure
      this.#failures.set(key, times);
    }
    if (this.#failures.size > this.#maxKeys) this.#evict(now);
  }

  #count(key: string, now: number): number {
    return this.#live(key, now)?.length ?? 0;
  }

  /** The failures of a key still inside the window; drops the key when none are left. */
  #live(key: string, now: number): number[] | undefined {
    const times = this.#failures.get(key);
    if (!times) return undefined;
    const from = now - this.#limits.windowMs;
    while (times.length > 0 && (times[0] as number) <= from) times.shift();
    if (times.length === 0) {
      this.#failures.delete(key);
      return undefined;
    }
    return times;
  }

  /** Drops expired keys, then the least recently failed ones, down to the bound. */
  #evict(now: number): void {
    for (const key of [...this.#failures.keys()]) this.#live(key, now);
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxKeys) break;
      this.#failures.delete(key);
    }
  }
}

function userKey(username: string): string {
  return `u:${username.trim().toLowerCase()}`;
}

function addressKey(address: string): string {
  return `a:${address.toLowerCase()}`;
}
