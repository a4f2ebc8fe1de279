/**
 * AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616), with the initial response of SASL-IR
 * (RFC 4959). The authorization identity must be empty or equal the authentication identity:
 * nobody may act as another user.
 */
import { parseAuthResponse } from '../../protocol/lines.ts';
import { bad, no, type CommandHandler } from '../context.ts';
import { NEEDS_TLS } from './login.ts';

export const authenticate: CommandHandler<{ tag: string; name: 'AUTHENTICATE'; mechanism: string; initialResponse?: string }> = {
  states: ['not-authenticated'],
  async run(ctx, cmd) {
    if (cmd.mechanism.toUpperCase() !== 'PLAIN') return no(`Mechanism ${cmd.mechanism} not supported, use PLAIN / meccanismo non supportato`, { name: 'CANNOT' });
    if (!ctx.secure) return no(NEEDS_TLS, { name: 'PRIVACYREQUIRED' });
    let line = cmd.initialResponse;
    if (line === undefined) {
      // RFC 4616 / RFC 3501 §7.5: PLAIN starts with an empty challenge, `+ ` and nothing else.
      await ctx.write([Buffer.from('+ \r\n')]);
      line = await ctx.readAuthLine();
    }
    if (line === '=') line = '';
    const resp = parseAuthResponse({ parts: [{ kind: 'line', bytes: Buffer.from(line, 'latin1') }], size: line.length });
    if (resp.cancel) return bad('Authentication cancelled / autenticazione annullata');
    const fields = Buffer.from(resp.data).toString('utf8').split('\0');
    if (fields.length !== 3) return bad('Malformed PLAIN response / risposta PLAIN malformata');
    const [authz, user, password] = fields as [string, string, string];
    if (authz !== '' && authz !== user) return no('Acting as another user is not allowed / non è consentito agire per conto di altri', { name: 'AUTHORIZATIONFAILED' });
    return ctx.login(user, password);
  },
};
