/** STATUS (RFC 3501 §6.3.10) with HIGHESTMODSEQ (RFC 7162 §3.1.8); counts without bodies. */
import { encodeMutf7 } from '../../protocol/mutf7.ts';
import type { WireValue } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';
import type { StatusItem } from '../../protocol/types.ts';

export const status: CommandHandler<{ tag: string; name: 'STATUS'; mailbox: string; items: StatusItem[] }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    const folder = await account.getFolder(cmd.mailbox);
    if (!folder) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    const counts = cmd.items.some((i) => i === 'MESSAGES' || i === 'UNSEEN') ? await account.status(folder.id) : { messages: 0, unseen: 0 };
    const out: WireValue[] = [];
    for (const item of cmd.items) {
      const value = item === 'MESSAGES' ? counts.messages : item === 'UNSEEN' ? counts.unseen : item === 'RECENT' ? 0
        : item === 'UIDNEXT' ? folder.uidNext : item === 'UIDVALIDITY' ? folder.uidValidity : folder.highestModseq;
      if (item === 'HIGHESTMODSEQ') ctx.condstore = true;
      out.push({ atom: item }, value);
    }
    await ctx.untagged([{ atom: 'STATUS' }, folder.name === 'INBOX' ? 'INBOX' : encodeMutf7(folder.name), out]);
    return ok('STATUS completed');
  },
};
