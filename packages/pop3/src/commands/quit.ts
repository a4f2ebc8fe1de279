/** QUIT (RFC 1939 §4, §6): ends the session; in TRANSACTION it enters UPDATE first. */
import type { Command } from './context.ts';

export const quit: Command = {
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async run(ctx) {
    await ctx.quit();
  },
};
