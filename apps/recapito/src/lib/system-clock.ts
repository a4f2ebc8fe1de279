import type { Clock } from '@recapito/core';

/** The real clock; only apps may read it (the core takes a Clock). */
export const systemClock: Clock = { now: () => new Date() };

/** The real clock shifted by an offset that tests move forward (12 h / 24 h timers in seconds). */
export class OffsetClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
