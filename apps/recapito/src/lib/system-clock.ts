import type { Clock } from '@recapito/core';

/** The real clock; only apps may read it (the core takes a Clock). */
export const systemClock: Clock = { now: () => new Date() };
