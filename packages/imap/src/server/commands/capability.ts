/** CAPABILITY (RFC 3501 §6.1.1). */
import { ok, type CommandHandler } from '../context.ts';

export const capability: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged([{ atom: 'CAPABILITY' }, ...ctx.capabilities().map((atom) => ({ atom }))]);
    return ok('CAPABILITY completed');
  },
};
