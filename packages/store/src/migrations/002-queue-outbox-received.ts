/** Durable job queue, outbox of messages to send, inbound dedup. */
import { sql } from 'kysely';
import type { Migration } from './types.ts';
import { idColumn } from './types.ts';

export const migration002: Migration = {
  name: '002-queue-outbox-received',
  async up(db, dialect) {
    // Completed jobs stay as rows with completed_at set: the unique key then keeps refusing
    // re-enqueues forever, with no window where a key is in neither table (as a separate
    // tombstone table written at completion would have).
    await db.schema.createTable('jobs')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('completed_at', 'bigint')
      .execute();
    // Partial index: claims and counts only ever look at open jobs.
    await db.schema.createIndex('jobs_open_due').on('jobs').columns(['kind', 'run_at'])
      .where(sql.ref('completed_at'), 'is', null)
      .execute();

    await db.schema.createTable('outbox')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('mail_from', 'text', (c) => c.notNull())
      .addColumn('rcpt_to', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').column('id')
      .where(sql.ref('sent_at'), 'is', null)
      .execute();
    await db.schema.createIndex('outbox_blob').on('outbox').column('blob_id').execute();

    await db.schema.createTable('received')
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('rcpt', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('received_pk', ['message_id', 'rcpt'])
      .execute();
  },
};
