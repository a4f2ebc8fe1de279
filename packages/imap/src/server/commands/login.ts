/**
 * LOGIN (RFC 3501 §6.2.3). Refused before TLS (LOGINDISABLED is advertised then; RFC 8314
 * §3.2 asks for no cleartext passwords), with PRIVACYREQUIRED (RFC 5530).
 */
import { no, type CommandHandler } from '../context.ts';

export const NEEDS_TLS = 'Authentication needs TLS: use port 993 or STARTTLS / autenticazione solo su TLS';

export const login: CommandHandler<{ tag: string; name: 'LOGIN'; username: string; password: string }> = {
  states: ['not-authenticated'],
  async run(ctx, cmd) {
    if (!ctx.secure) return no(NEEDS_TLS, { name: 'PRIVACYREQUIRED' });
    return ctx.login(cmd.username, cmd.password);
  },
};
