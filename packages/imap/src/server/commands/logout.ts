/** LOGOUT (RFC 3501 §6.1.3): untagged BYE, tagged OK, then the server closes. */
import { ok, type CommandHandler } from '../context.ts';

export const logout: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged([{ atom: 'BYE' }, { atom: 'Logging out / disconnessione' }]);
    ctx.state = 'logout';
    return ok('LOGOUT completed');
  },
};
