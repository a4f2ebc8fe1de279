/** SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6–6.3.7). */
import { no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

export const subscribe: CommandHandler<{ tag: string; name: 'SUBSCRIBE'; mailbox: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    if (!(await ctx.account!.getFolder(cmd.mailbox))) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    await ctx.account!.setSubscribed(cmd.mailbox, true);
    return ok('SUBSCRIBE completed');
  },
};

export const unsubscribe: CommandHandler<{ tag: string; name: 'UNSUBSCRIBE'; mailbox: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    await ctx.account!.setSubscribed(cmd.mailbox, false);
    return ok('UNSUBSCRIBE completed');
  },
};
