/**
 * Time source. The core never reads the system clock itself: PEC times are legal timestamps
 * (DM 2/11/2005 art. 9) and tests must drive timeouts (12 h / 24 h) in seconds.
 */
export interface Clock {
  now(): Date;
}

/** A clock fixed at a given instant, advanced by hand (tests, reproducible builds). */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(at: Date | string | number): void {
    this.#ms = new Date(at).getTime();
  }
}
