/** Domains, mailboxes, folders and message metadata. */
import type { Migration } from './types.ts';
import { idColumn } from './types.ts';

export const migration001: Migration = {
  name: '001-accounts-mailboxes',
  async up(db, dialect) {
    await db.schema.createTable('domains')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema.createTable('mailboxes')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('address', 'text', (c) => c.notNull().unique())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('quota_bytes', 'bigint', (c) => c.notNull())
      .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('limits', 'text', (c) => c.notNull())
      .addColumn('sending_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('accepts_ordinary_mail', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('ceased_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mailboxes_domain').on('mailboxes').column('domain').execute();

    await db.schema.createTable('folders')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uid_validity', 'bigint', (c) => c.notNull())
      .addColumn('uid_next', 'bigint', (c) => c.notNull())
      .addColumn('highest_modseq', 'bigint', (c) => c.notNull())
      .addColumn('special_use', 'text')
      .addUniqueConstraint('folders_mailbox_name', ['mailbox_id', 'name'])
      .execute();

    await db.schema.createTable('messages')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('folder_id', 'bigint', (c) => c.notNull().references('folders.id').onDelete('cascade'))
      .addColumn('uid', 'bigint', (c) => c.notNull())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('internal_date', 'bigint', (c) => c.notNull())
      .addColumn('flags', 'text', (c) => c.notNull())
      .addColumn('modseq', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('messages_folder_uid', ['folder_id', 'uid'])
      .execute();
    // Blob garbage collection asks whether any message still points at a blob.
    await db.schema.createIndex('messages_blob').on('messages').column('blob_id').execute();
  },
};
