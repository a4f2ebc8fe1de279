/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8) with CHANGEDSINCE (RFC 7162 §3.1.4). Metadata
 * is read in batches; bytes only when an item needs them — just the header for ENVELOPE and
 * header sections — a window of messages at a time (read-ahead.ts), each response streamed with
 * back-pressure. Non-peek body items set \Seen first (in a writable folder) and report FLAGS.
 */
import { MessageView } from '../../message/index.ts';
import type { FetchItem, SequenceSet } from '../../protocol/types.ts';
import { statusResponse, type WireValue } from '../../protocol/writer.ts';
import { bad, no, ok, type CommandHandler, type SessionContext } from '../context.ts';
import { READ_AHEAD, readAhead } from '../read-ahead.ts';
import { ViewCache } from '../view-cache.ts';
import type { SelectedFolder } from '../selected.ts';
import { ImapBackendError, type ImapMessage } from '../types.ts';
import { fetchItem, needsBytes, needsOnlyHeader, setsSeen } from './fetch-items.ts';

const BATCH = 500;
const HEADER_COST = 64 * 1024;

type FetchCommand = { tag: string; name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[]; changedSince?: bigint };

/** Sets \Seen on the messages that lack it (RFC 3501 §6.4.5) and returns their new metadata. */
async function markSeen(ctx: SessionContext, sel: SelectedFolder, metas: ImapMessage[]): Promise<ImapMessage[]> {
  const unseen = metas.filter((m) => !m.flags.some((f) => f.toLowerCase() === '\\seen')).map((m) => m.uid);
  if (!unseen.length) return metas;
  const r = await ctx.account!.storeFlags(sel.folder.id, unseen, 'add', ['\\Seen']);
  sel.noteOwn(r.changed);
  const updated = new Map(r.changed.map((m) => [m.uid, m]));
  return metas.map((m) => updated.get(m.uid) ?? m);
}

export const fetch: CommandHandler<FetchCommand> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const sel = ctx.selected!;
    const account = ctx.account!;
    const resolved = sel.resolve(cmd.set, cmd.uid);
    if (resolved === 'invalid') return bad('Invalid message sequence number / numero di messaggio non valido');
    let items = cmd.items;
    if (cmd.changedSince !== undefined || items.some((i) => i.type === 'MODSEQ')) ctx.condstore = true;
    // RFC 3501 §6.4.8: UID FETCH always returns UID; RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ.
    if (cmd.uid && !items.some((i) => i.type === 'UID')) items = [{ type: 'UID' }, ...items];
    if (cmd.changedSince !== undefined && !items.some((i) => i.type === 'MODSEQ')) items = [...items, { type: 'MODSEQ' }];
    const withBytes = items.some(needsBytes);
    const headerOnly = withBytes && items.every((i) => !needsBytes(i) || needsOnlyHeader(i));
    const marksSeen = items.some(setsSeen) && !sel.readOnly && !(await account.isReadOnly());
    // RFC 3501 §6.4.5: the new \Seen is reported; RFC 7162 §3.1.4: with its MODSEQ under CONDSTORE.
    let list = marksSeen && !items.some((it) => it.type === 'FLAGS') ? [...items, { type: 'FLAGS' } as FetchItem] : items;
    if (marksSeen && ctx.condstore && !list.some((it) => it.type === 'MODSEQ')) list = [...list, { type: 'MODSEQ' }];
    const since = cmd.changedSince === undefined ? undefined : Number(cmd.changedSince);
    const read = (m: ImapMessage): Promise<Uint8Array> => (headerOnly ? account.readHeader(sel.folder.id, m.uid) : account.read(sel.folder.id, m.uid));
    const cost = (m: ImapMessage): number => (headerOnly ? Math.min(m.size, HEADER_COST) : m.size);
    let failed: string | undefined;
    const send = async (m: ImapMessage, bytes?: Uint8Array, parsed?: MessageView): Promise<void> => {
      const seq = sel.seqOf(m.uid);
      if (seq === 0) return;
      let view = parsed;
      const out: WireValue[] = [];
      try {
        for (const it of list) fetchItem(out, it, m, () => (view ??= new MessageView(bytes!)), () => bytes!);
      } catch (e) {
        if (!(e instanceof ImapBackendError)) throw e;
        await ctx.write(statusResponse(undefined, 'NO', `Message ${seq}: ${e.message}`, { name: 'UNKNOWN-CTE' }));
        failed = e.message;
        return;
      }
      await ctx.untagged([seq, { atom: 'FETCH' }, out]);
    };
    // Header-only items: parsed headers shared with other sessions (view-cache.ts).
    const sendHeaders = async (metas: ImapMessage[]): Promise<void> => {
      for (let k = 0; k < metas.length; k += READ_AHEAD.maxCount) {
        const window = metas.slice(k, k + READ_AHEAD.maxCount);
        const views = await Promise.allSettled(window.map((m) => ctx.headerViews.load(ViewCache.key(sel.folder.id, sel.folder.uidValidity, m.uid),
          async () => new MessageView(await account.readHeader(sel.folder.id, m.uid)))));
        for (const [j, m] of window.entries()) {
          const r = views[j]!;
          if (r.status === 'fulfilled') await send(m, r.value.bytes, r.value);
          else if (r.reason instanceof ImapBackendError) failed = r.reason.message;
          else throw r.reason;
        }
      }
    };
    for (let i = 0; i < resolved.length; i += BATCH) {
      let metas = await account.messages(sel.folder.id, resolved.slice(i, i + BATCH));
      if (since !== undefined) metas = metas.filter((m) => m.modseq > since);
      if (marksSeen) metas = await markSeen(ctx, sel, metas);
      if (!withBytes) {
        for (const m of metas) await send(m);
        continue;
      }
      if (headerOnly) {
        await sendHeaders(metas);
        continue;
      }
      for await (const [m, bytes] of readAhead(metas, read, cost)) {
        if (bytes instanceof Error) {
          // RFC 3501 §7.4.1: expunged by another session meanwhile; report and go on.
          if (!(bytes instanceof ImapBackendError)) throw bytes;
          failed = bytes.message;
          continue;
        }
        await send(m, bytes);
      }
    }
    if (failed) return no(`Some messages could not be fetched: ${failed} / alcuni messaggi non sono leggibili`);
    return ok('FETCH completed');
  },
};
