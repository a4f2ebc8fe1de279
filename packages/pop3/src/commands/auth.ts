/**
 * AUTH (RFC 5034) with the PLAIN mechanism only (RFC 4616). The initial response may be on
 * the command line ("=" for an empty one, RFC 5034 §4) or follow a "+ " continuation; "*"
 * cancels. An authorization identity different from the authentication one is refused.
 */
import type { CommandContext, Command } from './context.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const auth: Command = {
  states: ['AUTHORIZATION'],
  async run(ctx, arg) {
    if (arg === '') return ctx.multi('mechanisms follow', ctx.authAllowed ? ['PLAIN'] : []);
    if (!ctx.authAllowed) return ctx.err('POP3_AUTH_NEEDS_TLS');
    const [mech = '', initial, ...extra] = arg.split(' ');
    if (mech.toUpperCase() !== 'PLAIN') return ctx.err('POP3_MECHANISM');
    if (extra.length > 0) return ctx.err('POP3_SYNTAX');
    if (initial !== undefined) return plain(ctx, initial === '=' ? '' : initial);
    ctx.expectContinuation((line) => (line === '*' ? ctx.err('POP3_AUTH_CANCELLED') : plain(ctx, line)));
    await ctx.line('+ ');
  },
};

async function plain(ctx: CommandContext, b64: string): Promise<void> {
  if (!BASE64.test(b64)) return ctx.err('POP3_SYNTAX', 'base64');
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return ctx.err('POP3_SYNTAX', 'PLAIN');
  const [authzid = '', authcid = '', password = ''] = parts;
  if (authcid === '' || (authzid !== '' && authzid !== authcid)) return ctx.err('POP3_AUTH_FAILED');
  await ctx.login(authcid, password);
}
