/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4), with MODSEQ (RFC 7162 §3.1.5). Metadata is read in
 * batches; message bytes are read only when a key needs headers or text, one message at a time,
 * so memory stays bounded on 100,000 messages.
 */
import { MessageView, matchSearch, searchNeedsContent } from '../../message/index.ts';
import type { SearchKey } from '../../protocol/types.ts';
import { codes, type WireValue } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler } from '../context.ts';

const BATCH = 2000;
const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

function usesModseq(keys: SearchKey[]): boolean {
  return keys.some((k) => k.key === 'MODSEQ' || (k.key === 'NOT' && usesModseq([k.inner]))
    || (k.key === 'OR' && usesModseq([k.left, k.right])) || (k.key === 'AND' && usesModseq(k.keys)));
}

export const search: CommandHandler<{ tag: string; name: 'SEARCH'; uid: boolean; charset?: string; criteria: SearchKey[] }> = {
  states: ['selected'],
  async run(ctx, cmd) {
    if (cmd.charset !== undefined && !CHARSETS.has(cmd.charset.toUpperCase())) {
      return no(`Charset ${cmd.charset} not supported / set di caratteri non supportato`, codes.badCharset([...CHARSETS]));
    }
    const sel = ctx.selected!;
    const account = ctx.account!;
    const withModseq = usesModseq(cmd.criteria);
    if (withModseq) ctx.condstore = true;
    const needsContent = searchNeedsContent(cmd.criteria);
    const hits: number[] = [];
    let maxModseq = 0;
    const uids = [...sel.uids];
    const maxUid = sel.maxUid;
    for (let i = 0; i < uids.length; i += BATCH) {
      const metas = await account.messages(sel.folder.id, uids.slice(i, i + BATCH));
      for (const m of metas) {
        const seq = sel.seqOf(m.uid);
        if (seq === 0) continue;
        const view = needsContent ? new MessageView(await account.read(sel.folder.id, m.uid)) : undefined;
        const subject = { seq, uid: m.uid, maxSeq: uids.length, maxUid, flags: m.flags, size: m.size, internalDate: m.internalDate, modseq: m.modseq, ...(view ? { view } : {}) };
        if (matchSearch(cmd.criteria, subject)) {
          hits.push(cmd.uid ? m.uid : seq);
          maxModseq = Math.max(maxModseq, m.modseq);
        }
      }
    }
    const line: WireValue[] = [{ atom: 'SEARCH' }, ...hits];
    if (withModseq && hits.length) line.push([{ atom: 'MODSEQ' }, maxModseq]);
    await ctx.untagged(line);
    return ok('SEARCH completed');
  },
};
