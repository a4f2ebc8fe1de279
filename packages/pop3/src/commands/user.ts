/** USER (RFC 1939 §7): names the maildrop; refused before TLS (RFC 2595 §2.1, RFC 3206 [AUTH]). */
import type { Command } from './context.ts';

export const user: Command = {
  states: ['AUTHORIZATION'],
  async run(ctx, arg) {
    if (!ctx.authAllowed) return ctx.err('POP3_AUTH_NEEDS_TLS');
    if (arg === '' || arg.length > 200) return ctx.err('POP3_SYNTAX');
    ctx.pendingUser = arg;
    await ctx.ok('send PASS');
  },
};
