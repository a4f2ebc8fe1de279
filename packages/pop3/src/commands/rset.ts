/** RSET (RFC 1939 §5): unmarks every message marked as deleted. */
import type { Command } from './context.ts';

export const rset: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    if (arg !== '' || !ctx.drop) return ctx.err('POP3_SYNTAX');
    ctx.drop.reset();
    const { count, octets } = ctx.drop.stat();
    await ctx.ok(`maildrop has ${count} messages (${octets} octets)`);
  },
};
