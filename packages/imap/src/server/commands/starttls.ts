/** STARTTLS (RFC 3501 §6.2.1); the session writes the tagged OK itself, before the handshake. */
import { bad, ok, type CommandHandler } from '../context.ts';

export const starttls: CommandHandler<{ tag: string; name: 'STARTTLS' }> = {
  states: ['not-authenticated'],
  async run(ctx, cmd) {
    if (ctx.secure) return bad('TLS is already active / TLS già attivo');
    await ctx.startTls(cmd.tag);
    return ok('Begin TLS negotiation now');
  },
};
