/** STAT (RFC 1939 §5): count and octets of the messages not marked deleted. */
import type { Command } from './context.ts';

export const stat: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    if (arg !== '' || !ctx.drop) return ctx.err('POP3_SYNTAX');
    const { count, octets } = ctx.drop.stat();
    await ctx.line(`+OK ${count} ${octets}`);
  },
};
