/**
 * IMAP semantics: derived flag columns, expunge tombstones, subscriptions, and the indexes that
 * keep STATUS, EXPUNGE and CONDSTORE resynchronization cheap on folders of 100,000 messages.
 */
import { sql } from 'kysely';
import type { Migration } from './types.ts';

export const migration004: Migration = {
  name: '004-imap',
  async up(db) {
    // `seen` / `deleted` mirror whether the JSON `flags` hold \Seen / \Deleted (any case). STATUS
    // UNSEEN and EXPUNGE then read one small integer per row instead of parsing JSON in JS or
    // matching the JSON text with LIKE, which would need case folding and a backslash escape
    // that differs between the dialects (PostgreSQL's LIKE escapes with "\" by default, SQLite's
    // does not) and would still read the whole flags text of every row.
    await db.schema.alterTable('messages').addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('messages').addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    // Backfill, once: JSON.stringify wrote a flag "\Seen" as the text "\\Seen" (escaped
    // backslash). The pattern is bound and escapes with "!", so both dialects read it alike.
    for (const [column, flag] of [['seen', 'seen'], ['deleted', 'deleted']] as const) {
      const pattern = `%"\\\\${flag}"%`;
      await sql`update messages set ${sql.ref(column)} = 1 where lower(flags) like ${pattern} escape '!'`.execute(db);
    }
    // CONDSTORE: messages changed after a modseq (FETCH CHANGEDSINCE, SELECT QRESYNC).
    await db.schema.createIndex('messages_folder_modseq').on('messages').columns(['folder_id', 'modseq']).execute();
    // EXPUNGE without a UID set: few messages carry \Deleted, so a partial index stays tiny.
    await db.schema.createIndex('messages_folder_deleted').on('messages').columns(['folder_id', 'uid'])
      .where(sql.ref('deleted'), '=', 1)
      .execute();

    // Tombstones: a session (possibly in another process) learns which UIDs vanished since the
    // modseq it last saw (the VANISHED responses of RFC 7162 QRESYNC). UIDs are never reused
    // within a folder (uid_next), so (folder_id, uid) is a key. They go with their folder and
    // are otherwise kept: dropping old ones would make `changesSince` silently incomplete.
    await db.schema.createTable('expunged')
      .addColumn('folder_id', 'bigint', (c) => c.notNull().references('folders.id').onDelete('cascade'))
      .addColumn('uid', 'bigint', (c) => c.notNull())
      .addColumn('modseq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('expunged_pk', ['folder_id', 'uid'])
      .execute();
    await db.schema.createIndex('expunged_folder_modseq').on('expunged').columns(['folder_id', 'modseq']).execute();

    // RFC 3501 §6.3.6: subscribed names need not exist, and stay when a folder is deleted.
    await db.schema.createTable('subscriptions')
      .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('subscriptions_pk', ['mailbox_id', 'name'])
      .execute();
  },
};
