/**
 * COPY and MOVE (RFC 3501 §6.4.7, RFC 6851), with the UID mapping of RFC 4315 COPYUID.
 *
 * Copies reference the same blob (content-addressed, stored once) but count in the usage again,
 * as a separate message would: the quota is reserved with the same conditional UPDATE `append`
 * uses, before anything is inserted, so QUOTA_EXCEEDED leaves nothing copied. A move changes no
 * usage: the bytes leave the source as they enter the destination, in one transaction.
 *
 * Both folders must belong to one mailbox: IMAP has no command that copies between users, and
 * the quota of one mailbox could not pay for the other's.
 *
 * Mod-sequences: one for the destination (all copies get it, uid_next grows by their number)
 * and, for a move, one for the tombstones of the source (the same one when source and
 * destination are the same folder); see message-flags.ts for why one per command.
 */
import type { CopyResult, Folder } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, chunked, parseJson } from './context.ts';
import { flagColumns } from './flags.ts';
import { bumpFolder, lockFolder, lockMailbox, mailboxOf, normUids, removeMessages, selectByUids, type MessageRow } from './folder-rows.ts';
import type { Db } from './schema.ts';

/** Rows per multi-row INSERT: 9 columns each, well under both parameter limits. */
const INSERT_CHUNK = 1000;

/** See {@link Mailboxes.copyMessages}. */
export async function copyMessages(db: Db, folderId: number, uids: readonly number[], destFolderId: number,
  opts: { move?: boolean } = {}): Promise<CopyResult> {
  const wanted = normUids(uids);
  const move = opts.move === true;
  return atomic(db, async (trx) => {
    const mailboxId = await mailboxOf(trx, folderId);
    if (await mailboxOf(trx, destFolderId) !== mailboxId) {
      throw new StoreError('INVALID_INPUT', `folders ${folderId} and ${destFolderId} belong to different mailboxes`);
    }
    // Lock order: mailbox, then folders by ascending id (folder-rows.ts).
    await lockMailbox(trx, mailboxId);
    const locked = new Map<number, Folder>();
    for (const id of [...new Set([folderId, destFolderId])].sort((a, b) => a - b)) locked.set(id, await lockFolder(trx, id));
    const dest = locked.get(destFolderId)!;
    const rows = await selectByUids(trx, folderId, wanted);
    if (rows.length === 0) return { uidValidity: dest.uidValidity, mapping: [] };

    if (!move) {
      const bytes = rows.reduce((n, r) => n + Number(r.size), 0);
      const reserved = await trx.updateTable('mailboxes')
        .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
        .where('id', '=', mailboxId)
        .where((eb) => eb(eb('used_bytes', '+', bytes), '<=', eb.ref('quota_bytes')))
        .returning('id')
        .executeTakeFirst();
      if (reserved === undefined) throw new StoreError('QUOTA_EXCEEDED', `mailbox ${mailboxId}: ${bytes} bytes do not fit in the quota`);
    }
    const { modseq, firstUid } = await bumpFolder(trx, destFolderId, rows.length);
    const mapping = rows.map((r, i) => [Number(r.uid), firstUid + i] as const);
    for (const part of chunked(rows.map((r, i) => [r, firstUid + i] as const), INSERT_CHUNK)) {
      await trx.insertInto('messages').values(part.map(([r, uid]) => copyRow(r, destFolderId, uid, modseq))).execute();
    }
    if (move) {
      const sourceModseq = folderId === destFolderId ? modseq : (await bumpFolder(trx, folderId)).modseq;
      await removeMessages(trx, folderId, rows.map((r) => Number(r.uid)), sourceModseq);
    }
    return { uidValidity: dest.uidValidity, mapping };
  });
}

/** The destination row: same blob, size, internal date and flags (RFC 3501 §6.4.7). */
function copyRow(r: MessageRow, folderId: number, uid: number, modseq: number) {
  const { seen, deleted } = flagColumns(parseJson<string[]>(r.flags));
  return {
    folder_id: folderId,
    uid,
    blob_id: r.blob_id,
    size: Number(r.size),
    internal_date: Number(r.internal_date),
    flags: r.flags,
    seen,
    deleted,
    modseq,
  };
}
