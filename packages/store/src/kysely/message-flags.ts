/**
 * STORE and EXPUNGE (RFC 3501 §6.4.6, §6.4.3; RFC 4315 UID EXPUNGE; RFC 7162 CONDSTORE).
 *
 * Mod-sequences: one per command, not one per message. Each STORE or EXPUNGE that changes
 * anything bumps the folder's highest_modseq once and gives that value to every message it
 * changes (or to the tombstone of every UID it removes). RFC 7162 §3.1 asks exactly this much:
 * every STORE on a mailbox gets a distinct mod-sequence, greater than any before it, so
 * `changesSince(previousHighest)` reports all of the changed messages; and it keeps a STORE on
 * 100,000 messages to one counter update instead of 100,000.
 *
 * Both run with the folder row locked (see folder-rows.ts): on PostgreSQL concurrent writers of
 * one folder serialize there, so modseqs are committed in increasing order and a reader that has
 * seen modseq N never later finds a change at N or below appearing.
 */
import type { FlagOp, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, chunked, parseJson } from './context.ts';
import { applyFlagOp, flagColumns, normFlags } from './flags.ts';
import {
  addUsage, bumpFolder, lockFolder, lockMailbox, mailboxOf, normUids, removeMessages, selectByUids,
  toMessage, UID_CHUNK, type MessageRow,
} from './folder-rows.ts';
import type { Db } from './schema.ts';

interface FlagUpdate {
  readonly row: MessageRow;
  readonly flags: string[];
}

/** See {@link Mailboxes.storeFlags}. */
export async function storeFlags(db: Db, folderId: number, uids: readonly number[], op: FlagOp, flags: readonly string[],
  opts: { unchangedSince?: number } = {}): Promise<{ changed: StoredMessage[]; modified: number[] }> {
  const wanted = normUids(uids);
  const given = normFlags(flags);
  const since = opts.unchangedSince;
  if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) {
    throw new StoreError('INVALID_INPUT', `invalid UNCHANGEDSINCE ${String(since)}`);
  }
  if (op !== 'set' && op !== 'add' && op !== 'remove') throw new StoreError('INVALID_INPUT', `invalid flag operation ${String(op)}`);
  return atomic(db, async (trx) => {
    await lockFolder(trx, folderId);
    const rows = await selectByUids(trx, folderId, wanted);
    const modified: number[] = [];
    const updates: FlagUpdate[] = [];
    for (const row of rows) {
      // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and reported.
      if (since !== undefined && Number(row.modseq) > since) {
        modified.push(Number(row.uid));
        continue;
      }
      const next = applyFlagOp(parseJson<string[]>(row.flags), op, given);
      if (next !== undefined) updates.push({ row, flags: next });
    }
    if (updates.length === 0) return { changed: [], modified };
    const { modseq } = await bumpFolder(trx, folderId);
    // One UPDATE per distinct resulting flag list (a STORE usually yields one or a handful),
    // with the message ids of each group bound in chunks.
    const groups = new Map<string, number[]>();
    for (const u of updates) {
      const key = JSON.stringify(u.flags);
      const ids = groups.get(key);
      if (ids === undefined) groups.set(key, [Number(u.row.id)]);
      else ids.push(Number(u.row.id));
    }
    for (const [key, ids] of groups) {
      const cols = flagColumns(parseJson<string[]>(key));
      for (const part of chunked(ids, UID_CHUNK)) {
        await trx.updateTable('messages').set({ ...cols, modseq }).where('id', 'in', part).execute();
      }
    }
    const changed = updates.map((u) => ({ ...toMessage(u.row), flags: u.flags, modseq }));
    return { changed, modified };
  });
}

/** See {@link Mailboxes.expunge}. */
export async function expunge(db: Db, folderId: number, uids?: readonly number[]): Promise<number[]> {
  const wanted = uids === undefined ? undefined : normUids(uids);
  return atomic(db, async (trx) => {
    // Mailbox row before folder row: the usage changes too (lock order in folder-rows.ts).
    const mailboxId = await mailboxOf(trx, folderId);
    await lockMailbox(trx, mailboxId);
    await lockFolder(trx, folderId);
    const doomed: { uid: number; size: number }[] = [];
    const base = trx.selectFrom('messages').select(['uid', 'size'])
      .where('folder_id', '=', folderId).where('deleted', '=', 1).orderBy('uid');
    for (const part of wanted === undefined ? [undefined] : chunked(wanted, UID_CHUNK)) {
      const rows = await (part === undefined ? base : base.where('uid', 'in', part)).execute();
      for (const r of rows) doomed.push({ uid: Number(r.uid), size: Number(r.size) });
    }
    if (doomed.length === 0) return [];
    const { modseq } = await bumpFolder(trx, folderId);
    const gone = doomed.map((d) => d.uid);
    await removeMessages(trx, folderId, gone, modseq);
    await addUsage(trx, mailboxId, -doomed.reduce((n, d) => n + d.size, 0));
    return gone;
  });
}
