/** IDLE (RFC 2177): updates are pushed while idling, until the client sends DONE. */
import { ok, type CommandHandler } from '../context.ts';

export const idle: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.idle();
    return ok('IDLE terminated');
  },
};
