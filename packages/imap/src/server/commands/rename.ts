/** RENAME (RFC 3501 §6.3.5): children follow; renaming INBOX moves its messages. */
import { no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

export const rename: CommandHandler<{ tag: string; name: 'RENAME'; mailbox: string; newName: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    const to = cmd.newName.replace(/\/+$/, '');
    if (!(await account.getFolder(cmd.mailbox))) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    if (to === 'INBOX' || (await account.getFolder(to))) return no(IMAP_ERROR_TEXT.ALREADYEXISTS, { name: 'ALREADYEXISTS' });
    if (to === '' || to.startsWith(`${cmd.mailbox}/`)) return no('Cannot rename a folder into itself / impossibile spostare una cartella dentro sé stessa', { name: 'CANNOT' });
    const parts = to.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!(await account.getFolder(parent))) await account.createFolder(parent);
    }
    await account.renameFolder(cmd.mailbox, to);
    return ok('RENAME completed');
  },
};
