/**
 * SELECT and EXAMINE (RFC 3501 §6.3.1–6.3.2), with the CONDSTORE parameter and HIGHESTMODSEQ
 * (RFC 7162 §3.1.2). Reads message metadata once (no bodies) to number the messages and find
 * the first unseen one; a 100,000-message folder is selected without touching a blob.
 * The folder is read-only when EXAMINEd or when the whole mailbox is read-only.
 */
import { codes, statusResponse, type ResponseCode } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler } from '../context.ts';
import { SelectedFolder } from '../selected.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export const select: CommandHandler<{ tag: string; name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    if (ctx.selected) {
      // RFC 7162 §3.2.11 / RFC 3501 §6.3.1: the previous folder is closed without expunging.
      ctx.selected = undefined;
      ctx.state = 'authenticated';
      await ctx.write(statusResponse(undefined, 'OK', 'Previous folder closed', codes.closed()));
    }
    if (cmd.condstore) ctx.condstore = true;
    const folder = await account.getFolder(cmd.mailbox);
    if (!folder) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    const readOnly = cmd.name === 'EXAMINE' || (await account.isReadOnly());
    const messages = await account.messages(folder.id);
    const keywords = new Map<string, string>();
    let firstUnseen = 0;
    messages.forEach((m, i) => {
      for (const f of m.flags) if (!f.startsWith('\\')) keywords.set(f.toLowerCase(), f);
      if (firstUnseen === 0 && !m.flags.some((f) => f.toLowerCase() === '\\seen')) firstUnseen = i + 1;
    });
    const flags = [...SYSTEM_FLAGS, ...keywords.values()];
    const sel = new SelectedFolder(folder, messages.map((m) => m.uid), readOnly);
    await ctx.untagged([{ atom: 'FLAGS' }, flags.map((atom) => ({ atom }))]);
    await ctx.untagged([messages.length, { atom: 'EXISTS' }]);
    await ctx.untagged([0, { atom: 'RECENT' }]);
    const okLine = (code: ResponseCode, text: string): Promise<void> => ctx.write(statusResponse(undefined, 'OK', text, code));
    if (firstUnseen) await okLine(codes.unseen(firstUnseen), `Message ${firstUnseen} is the first unseen`);
    await okLine(codes.permanentFlags(readOnly ? [] : [...flags, '\\*']), readOnly ? 'No permanent flags permitted' : 'Flags permitted');
    await okLine(codes.uidValidity(folder.uidValidity), 'UIDs valid');
    await okLine(codes.uidNext(folder.uidNext), 'Predicted next UID');
    await okLine(codes.highestModseq(BigInt(folder.highestModseq)), 'Highest');
    ctx.selected = sel;
    ctx.state = 'selected';
    return ok(`${cmd.name} completed${readOnly && cmd.name === 'SELECT' ? ' (mailbox is read-only / casella in sola lettura)' : ''}`, readOnly ? codes.readOnly() : codes.readWrite());
  },
};
