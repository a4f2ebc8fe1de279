/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8) with CHANGEDSINCE (RFC 7162 §3.1.4). Metadata
 * is read in batches and bytes one message at a time, streamed with back-pressure, so a FETCH
 * of every body of a large folder holds one message in memory. Non-peek body items set \Seen
 * first (in a writable folder) and report the new FLAGS.
 */
import { MessageView } from '../../message/index.ts';
import type { FetchItem, SequenceSet } from '../../protocol/types.ts';
import { statusResponse, type WireValue } from '../../protocol/writer.ts';
import { bad, no, ok, type CommandHandler } from '../context.ts';
import { ImapBackendError } from '../types.ts';
import { fetchItem, needsBytes, setsSeen } from './fetch-items.ts';

const BATCH = 500;

type FetchCommand = { tag: string; name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[]; changedSince?: bigint };

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
    const marksSeen = items.some(setsSeen) && !sel.readOnly && !(await account.isReadOnly());
    const since = cmd.changedSince === undefined ? undefined : Number(cmd.changedSince);
    let failed: string | undefined;
    for (let i = 0; i < resolved.length; i += BATCH) {
      let metas = await account.messages(sel.folder.id, resolved.slice(i, i + BATCH));
      if (since !== undefined) metas = metas.filter((m) => m.modseq > since);
      if (marksSeen) {
        const unseen = metas.filter((m) => !m.flags.some((f) => f.toLowerCase() === '\\seen')).map((m) => m.uid);
        if (unseen.length) {
          const r = await account.storeFlags(sel.folder.id, unseen, 'add', ['\\Seen']);
          sel.noteOwn(r.changed);
          const updated = new Map(r.changed.map((m) => [m.uid, m]));
          metas = metas.map((m) => updated.get(m.uid) ?? m);
        }
      }
      // RFC 3501 §6.4.5: the new \Seen is reported; RFC 7162 §3.1.4: with its MODSEQ under CONDSTORE.
      let list = marksSeen && !items.some((it) => it.type === 'FLAGS') ? [...items, { type: 'FLAGS' } as FetchItem] : items;
      if (marksSeen && ctx.condstore && !list.some((it) => it.type === 'MODSEQ')) list = [...list, { type: 'MODSEQ' }];
      for (const m of metas) {
        const seq = sel.seqOf(m.uid);
        if (seq === 0) continue;
        let bytes: Uint8Array | undefined;
        let view: MessageView | undefined;
        if (withBytes) {
          try {
            bytes = await account.read(sel.folder.id, m.uid);
          } catch (e) {
            // RFC 3501 §7.1.2: the message went away or cannot be read; report and go on.
            failed = e instanceof ImapBackendError ? e.message : 'message unreadable';
            continue;
          }
        }
        const getBytes = (): Uint8Array => bytes!;
        const getView = (): MessageView => (view ??= new MessageView(bytes!));
        const out: WireValue[] = [];
        try {
          for (const it of list) fetchItem(out, it, m, getView, getBytes);
        } catch (e) {
          if (e instanceof ImapBackendError) {
            await ctx.write(statusResponse(undefined, 'NO', `Message ${seq}: ${e.message}`, { name: 'UNKNOWN-CTE' }));
            failed = e.message;
            continue;
          }
          throw e;
        }
        await ctx.untagged([seq, { atom: 'FETCH' }, out]);
      }
    }
    if (failed) return no(`Some messages could not be fetched: ${failed} / alcuni messaggi non sono leggibili`);
    return ok('FETCH completed');
  },
};
