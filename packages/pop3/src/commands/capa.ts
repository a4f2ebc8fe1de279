/** CAPA (RFC 2449 §5): valid in AUTHORIZATION and TRANSACTION; lists what applies now. */
import type { Command } from './context.ts';

export const capa: Command = {
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async run(ctx) {
    const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (ctx.state === 'AUTHORIZATION') {
      // RFC 2595 §4 / RFC 2449 §6.4: no credentials advertised before TLS.
      if (ctx.authAllowed) caps.push('USER', 'SASL PLAIN');
      if (ctx.mode === 'pop3-stls' && !ctx.secure) caps.push('STLS');
    }
    caps.push('IMPLEMENTATION Recapito');
    await ctx.multi('Capability list follows', caps);
  },
};
