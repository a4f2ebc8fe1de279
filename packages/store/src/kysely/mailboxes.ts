/**
 * Folders and message metadata with IMAP semantics. UIDs come from the folder's `uid_next`
 * counter, never from max(uid), so a UID is not reused after the highest message is deleted.
 *
 * This class holds the basic operations and delegates the IMAP commands to one module each:
 * folder-ops.ts (RENAME, DELETE, subscriptions), message-flags.ts (STORE, EXPUNGE),
 * message-copy.ts (COPY, MOVE), folder-sync.ts (FETCH by UID, CONDSTORE changes, STATUS).
 * Shared helpers and the lock order are in folder-rows.ts.
 */
import type { BatchMessage, CopyResult, Deliver, FlagOp, Folder, FolderChanges, FolderStatus, Mailboxes, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, toMs, type Ctx } from './context.ts';
import { flagColumns, normFlags } from './flags.ts';
import { deleteFolder, listSubscriptions, renameFolder, setSubscribed } from './folder-ops.ts';
import { insertFolder, MESSAGE_COLUMNS, normFolderName, toFolder, toMessage } from './folder-rows.ts';
import { changesSince, folderStatus, getFolderById, getMessages } from './folder-sync.ts';
import { appendMany } from './message-batch.ts';
import { copyMessages } from './message-copy.ts';
import { expunge, storeFlags } from './message-flags.ts';
import type { Db } from './schema.ts';

/** Kysely implementation of {@link Mailboxes}. */
export class KyselyMailboxes implements Mailboxes {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async listFolders(mailboxId: number): Promise<Folder[]> {
    const rows = await this.db.selectFrom('folders').selectAll().where('mailbox_id', '=', mailboxId).orderBy('name').execute();
    return rows.map(toFolder);
  }

  async getFolder(mailboxId: number, name: string): Promise<Folder | undefined> {
    const row = await this.db.selectFrom('folders').selectAll()
      .where('mailbox_id', '=', mailboxId).where('name', '=', normFolderName(name)).executeTakeFirst();
    return row === undefined ? undefined : toFolder(row);
  }

  async createFolder(mailboxId: number, name: string, specialUse: string | null = null): Promise<Folder> {
    const folderName = normFolderName(name);
    return atomic(this.db, async (db) => {
      await this.#requireMailbox(db, mailboxId);
      const folder = await insertFolder(db, mailboxId, folderName, specialUse, this.ctx.now());
      if (folder === undefined) throw new StoreError('FOLDER_EXISTS', `folder ${folderName} already exists`);
      return folder;
    });
  }

  async append(d: Deliver): Promise<StoredMessage> {
    const folderName = normFolderName(d.folder ?? 'INBOX');
    const size = d.blob.size;
    if (!Number.isSafeInteger(size) || size < 0) throw new StoreError('INVALID_INPUT', `invalid blob size ${size}`);
    const internalDate = toMs(d.internalDate, 'internalDate');
    // Normalized like every flag write (flags.ts): no duplicates, no \Recent, seen/deleted derived.
    const flags = flagColumns(normFlags(d.flags ?? []));
    return atomic(this.db, async (db) => {
      // Every check comes before the first write: a StoreError thrown inside a caller's
      // transaction must leave nothing half-done behind it.
      await this.#requireMailbox(db, d.mailboxId);
      const folder = await db.selectFrom('folders').select('id')
        .where('mailbox_id', '=', d.mailboxId).where('name', '=', folderName).executeTakeFirst();
      if (folder === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder ${folderName} in mailbox ${d.mailboxId}`);
      // Quota check and reservation in one conditional UPDATE: on PostgreSQL a concurrent
      // append waits for the row lock and then re-evaluates the condition against the new
      // usage; on SQLite the write lock is already held. Either way only one can pass.
      const reserved = await db.updateTable('mailboxes')
        .set((eb) => ({ used_bytes: eb('used_bytes', '+', size) }))
        .where('id', '=', d.mailboxId)
        .where((eb) => eb(eb('used_bytes', '+', size), '<=', eb.ref('quota_bytes')))
        .returning('id')
        .executeTakeFirst();
      if (reserved === undefined) throw new StoreError('QUOTA_EXCEEDED', `mailbox ${d.mailboxId}: ${size} bytes do not fit in the quota`);
      const counters = await db.updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', 1), highest_modseq: eb('highest_modseq', '+', 1) }))
        .where('id', '=', folder.id)
        .returning(['uid_next', 'highest_modseq'])
        .executeTakeFirst();
      // Deleted by a concurrent deleteFolder while this append waited for the mailbox lock.
      if (counters === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder ${folderName} in mailbox ${d.mailboxId}`);
      const row = await db.insertInto('messages')
        .values({
          folder_id: folder.id,
          uid: Number(counters.uid_next) - 1,
          blob_id: d.blob.id,
          size,
          internal_date: internalDate,
          ...flags,
          modseq: Number(counters.highest_modseq),
        })
        .returning(MESSAGE_COLUMNS)
        .executeTakeFirstOrThrow();
      return toMessage(row);
    });
  }

  appendMany(mailboxId: number, folder: string, items: readonly BatchMessage[]): Promise<StoredMessage[]> {
    return appendMany(this.db, mailboxId, folder, items);
  }

  async listMessages(folderId: number, opts: { afterUid?: number; limit?: number } = {}): Promise<StoredMessage[]> {
    let q = this.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('folder_id', '=', folderId).orderBy('uid');
    if (opts.afterUid !== undefined) q = q.where('uid', '>', opts.afterUid);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map(toMessage);
  }

  async countMessages(folderId: number): Promise<number> {
    const r = await this.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('folder_id', '=', folderId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // --- IMAP semantics: see the modules named in the header --------------------------------

  getFolderById(folderId: number): Promise<Folder | undefined> {
    return getFolderById(this.db, folderId);
  }

  renameFolder(mailboxId: number, from: string, to: string): Promise<Folder> {
    return renameFolder(this.db, this.ctx, mailboxId, from, to);
  }

  deleteFolder(mailboxId: number, name: string): Promise<void> {
    return deleteFolder(this.db, mailboxId, name);
  }

  getMessages(folderId: number, uids: readonly number[]): Promise<StoredMessage[]> {
    return getMessages(this.db, folderId, uids);
  }

  storeFlags(folderId: number, uids: readonly number[], op: FlagOp, flags: readonly string[],
    opts?: { unchangedSince?: number }): Promise<{ changed: StoredMessage[]; modified: number[] }> {
    return storeFlags(this.db, folderId, uids, op, flags, opts);
  }

  expunge(folderId: number, uids?: readonly number[]): Promise<number[]> {
    return expunge(this.db, folderId, uids);
  }

  copyMessages(folderId: number, uids: readonly number[], destFolderId: number, opts?: { move?: boolean }): Promise<CopyResult> {
    return copyMessages(this.db, folderId, uids, destFolderId, opts);
  }

  changesSince(folderId: number, modseq: number): Promise<FolderChanges> {
    return changesSince(this.db, folderId, modseq);
  }

  folderStatus(folderId: number): Promise<FolderStatus> {
    return folderStatus(this.db, folderId);
  }

  listSubscriptions(mailboxId: number): Promise<string[]> {
    return listSubscriptions(this.db, mailboxId);
  }

  setSubscribed(mailboxId: number, name: string, subscribed: boolean): Promise<void> {
    return setSubscribed(this.db, this.ctx, mailboxId, name, subscribed);
  }

  async #requireMailbox(db: Db, mailboxId: number): Promise<void> {
    const mb = await db.selectFrom('mailboxes').select('id').where('id', '=', mailboxId).executeTakeFirst();
    if (mb === undefined) throw new StoreError('MAILBOX_NOT_FOUND', `no mailbox with id ${mailboxId}`);
  }
}
