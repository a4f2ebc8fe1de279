/**
 * RENAME, DELETE and subscriptions (RFC 3501 §6.3.4–6.3.9). Changes to a mailbox's folder tree
 * lock the mailbox row first, so two renames (or a rename and a delete) of one mailbox serialize.
 *
 * Subscriptions are names, not folders: renaming or deleting a folder leaves them alone. RFC
 * 3501 §6.3.6 forbids removing a subscribed name because its folder is gone, and says nothing of
 * renames, so the client re-subscribes under the new name if it wants to.
 */
import { sql } from 'kysely';
import type { Folder } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, write, type Ctx } from './context.ts';
import { addUsage, bumpFolder, insertFolder, lockFolder, lockMailbox, normFolderName, toFolder } from './folder-rows.ts';
import type { Db } from './schema.ts';

/**
 * See {@link Mailboxes.renameFolder}. Children are renamed with their parent (`a/x` → `b/x`),
 * UIDVALIDITY, UIDs and modseqs unchanged. Missing parents of the new name are not created
 * (RFC 3501 says SHOULD; createFolder does not create them either, and LIST shows the
 * hierarchy from the names alone).
 */
export async function renameFolder(db: Db, ctx: Ctx, mailboxId: number, from: string, to: string): Promise<Folder> {
  const src = normFolderName(from);
  const dst = normFolderName(to);
  return atomic(db, async (trx) => {
    await lockMailbox(trx, mailboxId);
    const folders = await trx.selectFrom('folders').selectAll().where('mailbox_id', '=', mailboxId).execute();
    const byName = new Map(folders.map((f) => [f.name, f]));
    const source = byName.get(src);
    if (source === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder ${src} in mailbox ${mailboxId}`);
    if (src !== 'INBOX' && dst.startsWith(`${src}/`)) {
      throw new StoreError('INVALID_INPUT', `cannot rename ${src} to ${dst}, a name under itself`);
    }
    if (byName.has(dst)) throw new StoreError('FOLDER_EXISTS', `folder ${dst} already exists`);
    if (src === 'INBOX') return renameInbox(trx, ctx, toFolder(source), dst);

    const moving = folders.filter((f) => f.name === src || f.name.startsWith(`${src}/`));
    const movingIds = new Set(moving.map((f) => f.id));
    const renames = moving.map((f) => ({ id: f.id, name: dst + f.name.slice(src.length), length: f.name.length }));
    for (const r of renames) {
      const holder = byName.get(r.name);
      if (holder !== undefined && !movingIds.has(holder.id)) throw new StoreError('FOLDER_EXISTS', `folder ${r.name} already exists`);
    }
    // A new name can only equal the old name of another moving folder when `dst` is an
    // ancestor of `src` (`a/b` → `a` turns `a/b/b` into `a/b`); that folder's old name is the
    // shorter one, so renaming shortest first frees each name before it is taken again and the
    // unique (mailbox_id, name) constraint never sees two folders with one name.
    renames.sort((a, b) => a.length - b.length);
    for (const r of renames) await trx.updateTable('folders').set({ name: r.name }).where('id', '=', r.id).execute();
    const row = await trx.selectFrom('folders').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
    return toFolder(row);
  });
}

/**
 * RFC 3501 §6.3.5: renaming INBOX moves its messages to a new folder and leaves INBOX, empty,
 * in place; INBOX's own children are unaffected, so INBOX → INBOX/old is allowed. The messages
 * keep their UIDs and modseqs under the new folder's fresh UIDVALIDITY; INBOX keeps its
 * UIDVALIDITY and uid_next (its UIDs are never reused) and records every moved UID as expunged
 * at one new modseq, so other sessions see them vanish.
 */
async function renameInbox(trx: Db, ctx: Ctx, inbox: Folder, dst: string): Promise<Folder> {
  await lockFolder(trx, inbox.id);
  const created = await insertFolder(trx, inbox.mailboxId, dst, inbox.specialUse, ctx.now());
  if (created === undefined) throw new StoreError('FOLDER_EXISTS', `folder ${dst} already exists`);
  const any = await trx.selectFrom('messages').select('id').where('folder_id', '=', inbox.id).limit(1).executeTakeFirst();
  if (any === undefined) return created;
  const { modseq } = await bumpFolder(trx, inbox.id);
  // Whole-folder statements: no UID list is bound, however many messages INBOX holds.
  await trx.insertInto('expunged').columns(['folder_id', 'uid', 'modseq'])
    .expression(trx.selectFrom('messages')
      .select(['folder_id', 'uid', sql<number>`cast(${modseq} as bigint)`.as('modseq')])
      .where('folder_id', '=', inbox.id))
    .execute();
  await trx.updateTable('messages').set({ folder_id: created.id }).where('folder_id', '=', inbox.id).execute();
  const row = await trx.updateTable('folders')
    .set({ uid_next: inbox.uidNext, highest_modseq: modseq })
    .where('id', '=', created.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toFolder(row);
}

/**
 * See {@link Mailboxes.deleteFolder}. RFC 3501 §6.3.4: a folder with children may be deleted;
 * the children stay (their names still show the hierarchy). Messages and tombstones are deleted
 * explicitly rather than left to ON DELETE CASCADE, so the usage and the rows agree even on a
 * SQLite connection opened without foreign_keys.
 */
export async function deleteFolder(db: Db, mailboxId: number, name: string): Promise<void> {
  const folderName = normFolderName(name);
  if (folderName === 'INBOX') throw new StoreError('INVALID_INPUT', 'INBOX cannot be deleted');
  await atomic(db, async (trx) => {
    await lockMailbox(trx, mailboxId);
    const folder = await trx.selectFrom('folders').select('id')
      .where('mailbox_id', '=', mailboxId).where('name', '=', folderName).executeTakeFirst();
    if (folder === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder ${folderName} in mailbox ${mailboxId}`);
    const { bytes } = await trx.selectFrom('messages').where('folder_id', '=', folder.id)
      .select(sql<number>`coalesce(sum(size), 0)`.as('bytes')).executeTakeFirstOrThrow();
    await trx.deleteFrom('messages').where('folder_id', '=', folder.id).execute();
    await trx.deleteFrom('expunged').where('folder_id', '=', folder.id).execute();
    await trx.deleteFrom('folders').where('id', '=', folder.id).execute();
    await addUsage(trx, mailboxId, -Number(bytes));
  });
}

/** LSUB: the subscribed names, sorted. */
export async function listSubscriptions(db: Db, mailboxId: number): Promise<string[]> {
  const rows = await db.selectFrom('subscriptions').select('name').where('mailbox_id', '=', mailboxId).orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** SUBSCRIBE / UNSUBSCRIBE: idempotent; INBOX is matched case-insensitively like everywhere. */
export async function setSubscribed(db: Db, ctx: Ctx, mailboxId: number, name: string, subscribed: boolean): Promise<void> {
  const folderName = normFolderName(name);
  await write(db, ctx, async (trx) => {
    if (!subscribed) {
      await trx.deleteFrom('subscriptions').where('mailbox_id', '=', mailboxId).where('name', '=', folderName).execute();
      return;
    }
    const mb = await trx.selectFrom('mailboxes').select('id').where('id', '=', mailboxId).executeTakeFirst();
    if (mb === undefined) throw new StoreError('MAILBOX_NOT_FOUND', `no mailbox with id ${mailboxId}`);
    await trx.insertInto('subscriptions').values({ mailbox_id: mailboxId, name: folderName })
      .onConflict((oc) => oc.columns(['mailbox_id', 'name']).doNothing())
      .execute();
  });
}
