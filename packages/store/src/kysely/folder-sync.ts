/**
 * Reads a session needs to stay in step with a folder (SELECT, FETCH, STATUS, CONDSTORE and
 * QRESYNC resynchronization), all without reading message bodies and without parsing a row's
 * JSON beyond the rows returned.
 */
import { sql } from 'kysely';
import type { Folder, FolderChanges, FolderStatus, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { MESSAGE_COLUMNS, normUids, selectByUids, toFolder, toMessage } from './folder-rows.ts';
import type { Db } from './schema.ts';

export async function getFolderById(db: Db, folderId: number): Promise<Folder | undefined> {
  const row = await db.selectFrom('folders').selectAll().where('id', '=', folderId).executeTakeFirst();
  return row === undefined ? undefined : toFolder(row);
}

async function requireFolder(db: Db, folderId: number): Promise<Folder> {
  const folder = await getFolderById(db, folderId);
  if (folder === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder with id ${folderId}`);
  return folder;
}

/** See {@link Mailboxes.getMessages}: UIDs bound in chunks (selectByUids). */
export async function getMessages(db: Db, folderId: number, uids: readonly number[]): Promise<StoredMessage[]> {
  return (await selectByUids(db, folderId, normUids(uids))).map(toMessage);
}

/**
 * See {@link Mailboxes.changesSince}. The folder is read first and both lists are bounded by its
 * highest modseq H, so the three statements need no shared snapshot (neither dialect takes one
 * outside a transaction, and on SQLite a transaction would take the write lock). Writers bump
 * the counter under the folder lock and commit in modseq order, so every change up to H is
 * visible once H is; a change committed after the folder was read has a modseq above H and is
 * left for the next call with `since = H`. Nothing is lost, nothing above H is reported, and a
 * UID is never both in `changed` and in `expunged`.
 */
export async function changesSince(db: Db, folderId: number, since: number): Promise<FolderChanges> {
  if (!Number.isSafeInteger(since) || since < 0) throw new StoreError('INVALID_INPUT', `invalid modseq ${String(since)}`);
  const folder = await requireFolder(db, folderId);
  const high = folder.highestModseq;
  if (since >= high) return { folder, changed: [], expunged: [] };
  const changed = await db.selectFrom('messages').select(MESSAGE_COLUMNS)
    .where('folder_id', '=', folderId).where('modseq', '>', since).where('modseq', '<=', high)
    .orderBy('uid').execute();
  const expunged = await db.selectFrom('expunged').select('uid')
    .where('folder_id', '=', folderId).where('modseq', '>', since).where('modseq', '<=', high)
    .orderBy('uid').execute();
  return { folder, changed: changed.map(toMessage), expunged: expunged.map((r) => Number(r.uid)) };
}

/**
 * See {@link Mailboxes.folderStatus}: one aggregate over the folder's rows, reading the `seen`
 * integer kept beside the flags (migration 004) instead of the JSON text.
 */
export async function folderStatus(db: Db, folderId: number): Promise<FolderStatus> {
  await requireFolder(db, folderId);
  const r = await db.selectFrom('messages').where('folder_id', '=', folderId)
    .select((eb) => [
      eb.fn.countAll<number>().as('messages'),
      sql<number>`coalesce(sum(1 - seen), 0)`.as('unseen'),
      // PostgreSQL's sum(bigint) is numeric, which pg returns as a string: Number() below.
      sql<number>`coalesce(sum(size), 0)`.as('bytes'),
    ])
    .executeTakeFirstOrThrow();
  return { messages: Number(r.messages), unseen: Number(r.unseen), bytes: Number(r.bytes) };
}
