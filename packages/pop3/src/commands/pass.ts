/**
 * PASS (RFC 1939 §7): the whole rest of the line is the password (it may contain spaces).
 * After a failure the client must start again with USER.
 */
import type { Command } from './context.ts';

export const pass: Command = {
  states: ['AUTHORIZATION'],
  async run(ctx, arg) {
    if (!ctx.authAllowed) return ctx.err('POP3_AUTH_NEEDS_TLS');
    const name = ctx.pendingUser;
    ctx.pendingUser = undefined;
    if (name === undefined) return ctx.err('POP3_NO_USER');
    await ctx.login(name, arg);
  },
};
