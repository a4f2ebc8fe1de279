/** LIST [msg] (RFC 1939 §5): "n size" for one message or for all not marked deleted. */
import type { Command } from './context.ts';

export const list: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    const drop = ctx.drop;
    if (!drop) return ctx.err('POP3_WRONG_STATE');
    if (arg === '') {
      const { count, octets } = drop.stat();
      return ctx.multi(`${count} messages (${octets} octets)`, drop.live().map((x) => `${x.n} ${x.message.size}`));
    }
    const found = drop.lookup(arg);
    if (!found.ok) return ctx.err(found.code);
    await ctx.line(`+OK ${found.n} ${found.message.size}`);
  },
};
