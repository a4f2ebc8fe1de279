/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4), with MODSEQ (RFC 7162 §3.1.5). Metadata is read in
 * batches; message bytes only when a key needs them — just the header for header keys (FROM,
 * SUBJECT, SENTON …), the whole message for BODY and TEXT — a window of messages at a time
 * (read-ahead.ts), so memory stays bounded on 100,000 messages.
 */
import { MessageView, matchSearch, searchNeedsBody, searchNeedsContent, type SearchSubject } from '../../message/index.ts';
import type { SearchKey } from '../../protocol/types.ts';
import { codes, type WireValue } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler } from '../context.ts';
import { READ_AHEAD, readAhead } from '../read-ahead.ts';
import { ViewCache } from '../view-cache.ts';
import { ImapBackendError, type ImapMessage } from '../types.ts';

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
    const content = searchNeedsContent(cmd.criteria);
    const body = content && searchNeedsBody(cmd.criteria);
    const hits: number[] = [];
    let maxModseq = 0;
    const uids = [...sel.uids];
    const maxUid = sel.maxUid;
    const check = (m: ImapMessage, view?: MessageView): void => {
      const seq = sel.seqOf(m.uid);
      if (seq === 0) return;
      const subject: SearchSubject = { seq, uid: m.uid, maxSeq: uids.length, maxUid, flags: m.flags, size: m.size, internalDate: m.internalDate, modseq: m.modseq, ...(view ? { view } : {}) };
      if (matchSearch(cmd.criteria, subject)) {
        hits.push(cmd.uid ? m.uid : seq);
        maxModseq = Math.max(maxModseq, m.modseq);
      }
    };
    for (let i = 0; i < uids.length; i += BATCH) {
      const metas = await account.messages(sel.folder.id, uids.slice(i, i + BATCH));
      if (!content) {
        for (const m of metas) check(m);
        continue;
      }
      if (!body) {
        // Headers parsed before, by this or another session, are neither read nor parsed again.
        for (let k = 0; k < metas.length; k += READ_AHEAD.maxCount) {
          const window = metas.slice(k, k + READ_AHEAD.maxCount);
          const views = await Promise.allSettled(window.map((m) => ctx.headerViews.load(ViewCache.key(sel.folder.id, sel.folder.uidValidity, m.uid),
            async () => new MessageView(await account.readHeader(sel.folder.id, m.uid)))));
          window.forEach((m, j) => {
            const r = views[j]!;
            if (r.status === 'fulfilled') check(m, r.value);
            else if (!(r.reason instanceof ImapBackendError && r.reason.code === 'NONEXISTENT')) throw r.reason;
          });
        }
        continue;
      }
      for await (const [m, bytes] of readAhead(metas, (m) => account.read(sel.folder.id, m.uid), (m) => m.size)) {
        if (bytes instanceof Error) {
          // A message expunged meanwhile by another session cannot match (RFC 3501 §7.4.1);
          // any other failure is reported, never taken for "no match".
          if (bytes instanceof ImapBackendError && bytes.code === 'NONEXISTENT') continue;
          throw bytes;
        }
        check(m, new MessageView(bytes));
      }
    }
    hits.sort((a, b) => a - b);
    const line: WireValue[] = [{ atom: 'SEARCH' }, ...hits];
    if (withModseq && hits.length) line.push([{ atom: 'MODSEQ' }, maxModseq]);
    await ctx.untagged(line);
    return ok('SEARCH completed');
  },
};
