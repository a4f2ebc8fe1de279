/**
 * Folders and message metadata with IMAP semantics. UIDs come from the folder's `uid_next`
 * counter, never from max(uid), so a UID is not reused after the highest message is deleted.
 */
import type { Selectable } from 'kysely';
import type { Deliver, Folder, Mailboxes, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, fromMs, parseJson, toMs, type Ctx } from './context.ts';
import type { Db, FoldersTable, MessagesTable } from './schema.ts';

let lastUidValidity = 0;

/**
 * A fresh UIDVALIDITY: seconds since the epoch, bumped so that it strictly increases within the
 * process even for folders created in the same second (RFC 3501 §2.3.1.1: a recreated folder
 * must not reuse the old value). Stays within 32 bits until 2106.
 */
export function nextUidValidity(now: Date): number {
  lastUidValidity = Math.max(lastUidValidity + 1, Math.floor(now.getTime() / 1000));
  return lastUidValidity;
}

/** IMAP folder names: INBOX is case-insensitive, everything else is kept as given. */
export function normFolderName(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (name === '' || name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    throw new StoreError('INVALID_INPUT', `invalid folder name: ${JSON.stringify(name)}`);
  }
  return name;
}

function toFolder(r: Selectable<FoldersTable>): Folder {
  return {
    id: Number(r.id),
    mailboxId: Number(r.mailbox_id),
    name: r.name,
    uidValidity: Number(r.uid_validity),
    uidNext: Number(r.uid_next),
    highestModseq: Number(r.highest_modseq),
    specialUse: r.special_use,
  };
}

function toMessage(r: Selectable<MessagesTable>): StoredMessage {
  return {
    id: Number(r.id),
    folderId: Number(r.folder_id),
    uid: Number(r.uid),
    blobId: r.blob_id,
    size: Number(r.size),
    internalDate: fromMs(r.internal_date),
    flags: parseJson<string[]>(r.flags),
    modseq: Number(r.modseq),
  };
}

/** Inserts a folder; undefined when the name is taken. Used for INBOX by addMailbox too. */
export async function insertFolder(db: Db, mailboxId: number, name: string, specialUse: string | null, now: Date): Promise<Folder | undefined> {
  const row = await db.insertInto('folders')
    .values({
      mailbox_id: mailboxId,
      name,
      uid_validity: nextUidValidity(now),
      uid_next: 1,
      // RFC 7162 mod-sequences are positive: an empty folder reports 1, the first change gets 2.
      highest_modseq: 1,
      special_use: specialUse,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toFolder(row);
}

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
    const flags = JSON.stringify([...(d.flags ?? [])]);
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
        .executeTakeFirstOrThrow();
      const row = await db.insertInto('messages')
        .values({
          folder_id: folder.id,
          uid: Number(counters.uid_next) - 1,
          blob_id: d.blob.id,
          size,
          internal_date: internalDate,
          flags,
          modseq: Number(counters.highest_modseq),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMessage(row);
    });
  }

  async listMessages(folderId: number, opts: { afterUid?: number; limit?: number } = {}): Promise<StoredMessage[]> {
    let q = this.db.selectFrom('messages').selectAll().where('folder_id', '=', folderId).orderBy('uid');
    if (opts.afterUid !== undefined) q = q.where('uid', '>', opts.afterUid);
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map(toMessage);
  }

  async countMessages(folderId: number): Promise<number> {
    const r = await this.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('folder_id', '=', folderId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async #requireMailbox(db: Db, mailboxId: number): Promise<void> {
    const mb = await db.selectFrom('mailboxes').select('id').where('id', '=', mailboxId).executeTakeFirst();
    if (mb === undefined) throw new StoreError('MAILBOX_NOT_FOUND', `no mailbox with id ${mailboxId}`);
  }
}
