/** NAMESPACE (RFC 2342): one personal namespace, no prefix, "/" as separator. */
import { ok, type CommandHandler } from '../context.ts';

export const namespace: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged([{ atom: 'NAMESPACE' }, [['', '/']], null, null]);
    return ok('NAMESPACE completed');
  },
};
