/**
 * The identity map of mailbox migration jobs: which source message (folder, UIDVALIDITY, UID)
 * was copied to which destination message, so that re-runs and resumes never copy twice.
 */
import type { Migration } from './types.ts';
import { idColumn } from './types.ts';

export const migration005: Migration = {
  name: '005-migration-map',
  async up(db, dialect) {
    await db.schema.createTable('migration_jobs')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    // The primary key is the source identity of a message: a changed UIDVALIDITY is another key,
    // so a recreated source folder is never skipped. Its prefix (job, folder, uidvalidity) also
    // serves the resume set (copiedUids) and, by (job), the per-folder summary.
    await db.schema.createTable('migration_map')
      .addColumn('job_id', 'bigint', (c) => c.notNull().references('migration_jobs.id').onDelete('cascade'))
      .addColumn('source_folder', 'text', (c) => c.notNull())
      .addColumn('source_uid_validity', 'bigint', (c) => c.notNull())
      .addColumn('source_uid', 'bigint', (c) => c.notNull())
      .addColumn('dest_folder', 'text', (c) => c.notNull())
      .addColumn('dest_uid_validity', 'bigint')
      .addColumn('dest_uid', 'bigint')
      .addColumn('message_id', 'text')
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('migration_map_pk', ['job_id', 'source_folder', 'source_uid_validity', 'source_uid'])
      .execute();
    // Duplicates by content (true duplicates, messages without Message-ID).
    await db.schema.createIndex('migration_map_digest').on('migration_map')
      .columns(['job_id', 'dest_folder', 'sha256', 'size'])
      .execute();
  },
};
