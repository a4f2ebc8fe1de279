/** RETR msg (RFC 1939 §5): the stored bytes, dot-stuffed, streamed. */
import type { Command } from './context.ts';

export const retr: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    const drop = ctx.drop;
    if (!drop) return ctx.err('POP3_WRONG_STATE');
    const found = drop.lookup(arg);
    if (!found.ok) return ctx.err(found.code);
    let bytes: Uint8Array;
    try {
      bytes = await drop.maildrop.retrieve(found.message.uid);
    } catch {
      return ctx.err('POP3_SYS_TEMP');
    }
    await ctx.sendMessage(`${found.message.size} octets`, bytes, bytes.length);
  },
};
