/** ENABLE (RFC 5161): only CONDSTORE can be enabled (RFC 7162 §3.1). */
import { ok, type CommandHandler } from '../context.ts';

export const enable: CommandHandler<{ tag: string; name: 'ENABLE'; capabilities: string[] }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const done: string[] = [];
    for (const c of cmd.capabilities) {
      const name = c.toUpperCase();
      if (name === 'CONDSTORE' && !ctx.enabled.has(name)) {
        ctx.enabled.add(name);
        ctx.condstore = true;
        done.push(name);
      }
    }
    await ctx.untagged([{ atom: 'ENABLED' }, ...done.map((atom) => ({ atom }))]);
    return ok('ENABLE completed');
  },
};
