/**
 * What the folder and message modules share: row mapping, folder names, UIDVALIDITY, and the
 * locking discipline that keeps mod-sequences and usage consistent across processes.
 *
 * Lock order (PostgreSQL row locks; SQLite has a single writer and needs none): the mailbox row
 * first, then folder rows in ascending id. `append` reserves quota on the mailbox row before it
 * bumps the folder counters, so every other writer that touches both takes them in that order
 * too; otherwise an expunge holding the folder and an append holding the mailbox would deadlock.
 */
import { sql, type Selectable } from 'kysely';
import type { Folder, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { chunked, fromMs, parseJson } from './context.ts';
import type { Db, FoldersTable, MessagesTable } from './schema.ts';

/**
 * UIDs bound per statement: far below SQLite's 32766 and PostgreSQL's 65535 parameters, and
 * small enough that a statement text stays modest.
 */
export const UID_CHUNK = 5000;

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

export function toFolder(r: Selectable<FoldersTable>): Folder {
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

/** The columns a {@link StoredMessage} is built from (not the derived seen/deleted). */
export const MESSAGE_COLUMNS = ['id', 'folder_id', 'uid', 'blob_id', 'size', 'internal_date', 'flags', 'modseq'] as const;

export type MessageRow = Pick<Selectable<MessagesTable>, typeof MESSAGE_COLUMNS[number]>;

export function toMessage(r: MessageRow): StoredMessage {
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

/**
 * Takes the mailbox row lock with an UPDATE that changes nothing (portable, unlike FOR UPDATE
 * which SQLite does not parse). MAILBOX_NOT_FOUND when absent.
 */
export async function lockMailbox(db: Db, mailboxId: number): Promise<void> {
  const row = await db.updateTable('mailboxes').set((eb) => ({ used_bytes: eb.ref('used_bytes') }))
    .where('id', '=', mailboxId).returning('id').executeTakeFirst();
  if (row === undefined) throw new StoreError('MAILBOX_NOT_FOUND', `no mailbox with id ${mailboxId}`);
}

/**
 * Takes the folder row lock (see {@link lockMailbox}) and returns the folder as it is under the
 * lock: no other writer changes its counters or its messages until the transaction ends.
 */
export async function lockFolder(db: Db, folderId: number): Promise<Folder> {
  const row = await db.updateTable('folders').set((eb) => ({ highest_modseq: eb.ref('highest_modseq') }))
    .where('id', '=', folderId).returningAll().executeTakeFirst();
  if (row === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder with id ${folderId}`);
  return toFolder(row);
}

/** The folder's mailbox id without locking (to know which mailbox row to lock first). */
export async function mailboxOf(db: Db, folderId: number): Promise<number> {
  const row = await db.selectFrom('folders').select('mailbox_id').where('id', '=', folderId).executeTakeFirst();
  if (row === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder with id ${folderId}`);
  return Number(row.mailbox_id);
}

/**
 * Bumps the folder's highest mod-sequence by one (and uid_next by `newUids`), returning the new
 * modseq and the first UID reserved. Called once per command that changes something.
 */
export async function bumpFolder(db: Db, folderId: number, newUids = 0): Promise<{ modseq: number; firstUid: number }> {
  const r = await db.updateTable('folders')
    .set((eb) => ({ uid_next: eb('uid_next', '+', newUids), highest_modseq: eb('highest_modseq', '+', 1) }))
    .where('id', '=', folderId)
    .returning(['uid_next', 'highest_modseq'])
    .executeTakeFirstOrThrow();
  return { modseq: Number(r.highest_modseq), firstUid: Number(r.uid_next) - newUids };
}

/** Sorted, de-duplicated positive integer UIDs; INVALID_INPUT for anything else. */
export function normUids(uids: readonly number[]): number[] {
  for (const u of uids) {
    if (!Number.isSafeInteger(u) || u <= 0) throw new StoreError('INVALID_INPUT', `invalid UID ${String(u)}`);
  }
  const sorted = [...uids].sort((a, b) => a - b);
  return sorted.filter((u, i) => i === 0 || u !== sorted[i - 1]);
}

/**
 * Messages of `folderId` among sorted `uids`, in UID order, a chunk of UIDs per statement so
 * that 100,000 UIDs stay under the bound-parameter limits of both dialects.
 */
export async function selectByUids(db: Db, folderId: number, uids: readonly number[]): Promise<MessageRow[]> {
  const out: MessageRow[] = [];
  for (const part of chunked(uids, UID_CHUNK)) {
    const rows = await db.selectFrom('messages').select(MESSAGE_COLUMNS)
      .where('folder_id', '=', folderId).where('uid', 'in', part).orderBy('uid').execute();
    for (const r of rows) out.push(r);
  }
  return out;
}

/**
 * Deletes the given messages of a locked folder and records their UIDs as expunged at `modseq`:
 * the tombstones `changesSince` reports to other sessions (the VANISHED responses of RFC 7162
 * QRESYNC). They are copied by INSERT … SELECT, so no message data is bound twice.
 */
export async function removeMessages(db: Db, folderId: number, uids: readonly number[], modseq: number): Promise<void> {
  for (const part of chunked(uids, UID_CHUNK)) {
    await db.insertInto('expunged').columns(['folder_id', 'uid', 'modseq'])
      .expression(db.selectFrom('messages')
        .select(['folder_id', 'uid', sql<number>`cast(${modseq} as bigint)`.as('modseq')])
        .where('folder_id', '=', folderId).where('uid', 'in', part))
      .execute();
    await db.deleteFrom('messages').where('folder_id', '=', folderId).where('uid', 'in', part).execute();
  }
}

/** Adds `delta` (negative to free) to the mailbox usage. */
export async function addUsage(db: Db, mailboxId: number, delta: number): Promise<void> {
  if (delta === 0) return;
  await db.updateTable('mailboxes').set((eb) => ({ used_bytes: eb('used_bytes', '+', delta) }))
    .where('id', '=', mailboxId).execute();
}
