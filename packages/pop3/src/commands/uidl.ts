/** UIDL [msg] (RFC 1939 §7): "n uid" with the backend's stable unique ids. */
import type { Command } from './context.ts';

export const uidl: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    const drop = ctx.drop;
    if (!drop) return ctx.err('POP3_WRONG_STATE');
    if (arg === '') return ctx.multi('unique-id listing follows', drop.live().map((x) => `${x.n} ${x.message.uid}`));
    const found = drop.lookup(arg);
    if (!found.ok) return ctx.err(found.code);
    await ctx.line(`+OK ${found.n} ${found.message.uid}`);
  },
};
