/** DELE msg (RFC 1939 §5): marks only; nothing is removed before QUIT (UPDATE state). */
import type { Command } from './context.ts';

export const dele: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    const drop = ctx.drop;
    if (!drop) return ctx.err('POP3_WRONG_STATE');
    const found = drop.lookup(arg);
    if (!found.ok) return ctx.err(found.code);
    // RFC 3206 §4: a lasting condition of the maildrop is [SYS/PERM].
    const readOnly = drop.maildrop.isReadOnly ? await drop.maildrop.isReadOnly() : drop.maildrop.readOnly;
    if (readOnly) return ctx.err('POP3_READ_ONLY');
    drop.mark(found.n);
    await ctx.ok(`message ${found.n} deleted`);
  },
};
