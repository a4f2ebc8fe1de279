/** ID (RFC 2971): the server says its name; what the client sends is not acted upon. */
import { ok, type CommandHandler } from '../context.ts';

export const id: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged([{ atom: 'ID' }, ['name', 'Recapito', 'vendor', 'Recapito']]);
    return ok('ID completed');
  },
};
