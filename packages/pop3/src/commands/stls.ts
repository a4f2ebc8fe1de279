/** STLS (RFC 2595 §4): only in AUTHORIZATION, only on the plaintext port, only once. */
import type { Command } from './context.ts';

export const stls: Command = {
  states: ['AUTHORIZATION'],
  async run(ctx, arg) {
    if (arg !== '') return ctx.err('POP3_SYNTAX');
    if (ctx.secure) return ctx.err('POP3_TLS_ACTIVE');
    await ctx.startTls();
  },
};
