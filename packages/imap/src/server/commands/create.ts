/**
 * CREATE (RFC 3501 §6.3.3): a trailing separator only declares the intent to hold children and
 * is dropped; missing superior folders are created too, as the RFC recommends.
 */
import { no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

export const create: CommandHandler<{ tag: string; name: 'CREATE'; mailbox: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    const name = cmd.mailbox.replace(/\/+$/, '');
    if (name === '' || name.includes('//') || name.startsWith('/')) return no('Invalid folder name / nome di cartella non valido', { name: 'CANNOT' });
    if (name === 'INBOX' || (await account.getFolder(name))) return no(IMAP_ERROR_TEXT.ALREADYEXISTS, { name: 'ALREADYEXISTS' });
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!(await account.getFolder(parent))) await account.createFolder(parent);
    }
    await account.createFolder(name);
    return ok('CREATE completed');
  },
};
