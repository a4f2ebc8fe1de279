/** NOOP (RFC 1939 §5). */
import type { Command } from './context.ts';

export const noop: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    if (arg !== '') return ctx.err('POP3_SYNTAX');
    await ctx.ok('');
  },
};
