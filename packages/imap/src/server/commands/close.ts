/**
 * CLOSE (RFC 3501 §6.4.2) expunges silently when the folder is writable; UNSELECT (RFC 3691)
 * never expunges. Both return to the authenticated state.
 */
import { ok, type CommandHandler } from '../context.ts';

export const close: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    const sel = ctx.selected!;
    ctx.selected = undefined;
    ctx.state = 'authenticated';
    if (!sel.readOnly && !(await ctx.account!.isReadOnly())) await ctx.account!.expunge(sel.folder.id);
    return ok('CLOSE completed');
  },
};

export const unselect: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    ctx.selected = undefined;
    ctx.state = 'authenticated';
    return ok('UNSELECT completed');
  },
};
