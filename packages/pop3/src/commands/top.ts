/** TOP msg n (RFC 1939 §7): the header, the blank line and the first n body lines. */
import { topEnd } from '../dot-stuff.ts';
import type { Command } from './context.ts';

export const top: Command = {
  states: ['TRANSACTION'],
  async run(ctx, arg) {
    const drop = ctx.drop;
    if (!drop) return ctx.err('POP3_WRONG_STATE');
    const m = /^(\S+) (\d+)$/.exec(arg);
    if (!m) return ctx.err('POP3_SYNTAX', 'TOP msg n');
    const found = drop.lookup(m[1] as string);
    if (!found.ok) return ctx.err(found.code);
    // Digits only, so never negative; a huge count means the whole body.
    const lines = Math.min(Number(m[2]), Number.MAX_SAFE_INTEGER);
    let bytes: Uint8Array;
    try {
      bytes = await drop.maildrop.retrieve(found.message.uid);
    } catch {
      return ctx.err('POP3_SYS_TEMP');
    }
    await ctx.sendMessage('top of message follows', bytes, topEnd(bytes, lines));
  },
};
