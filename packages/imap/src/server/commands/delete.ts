/** DELETE (RFC 3501 §6.3.4): INBOX cannot be deleted; a folder's children stay. */
import { no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

export const del: CommandHandler<{ tag: string; name: 'DELETE'; mailbox: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    if (cmd.mailbox === 'INBOX') return no('INBOX cannot be deleted / INBOX non può essere eliminata', { name: 'CANNOT' });
    const folder = await account.getFolder(cmd.mailbox);
    if (!folder) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    await account.deleteFolder(cmd.mailbox);
    if (ctx.selected?.folder.id === folder.id) {
      ctx.selected = undefined;
      ctx.state = 'authenticated';
    }
    return ok('DELETE completed');
  },
};
