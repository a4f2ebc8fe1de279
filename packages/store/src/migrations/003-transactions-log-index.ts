/** PEC transactions, the hash-chained message log, the providers' index. */
import { sql } from 'kysely';
import type { Migration } from './types.ts';
import { idColumn } from './types.ts';

/** Previous hash of the very first log entry. */
export const GENESIS_HASH = '0'.repeat(64);

export const migration003: Migration = {
  name: '003-transactions-log-index',
  async up(db, dialect) {
    await db.schema.createTable('pec_transactions')
      .addColumn('pec_msg_id', 'text', (c) => c.primaryKey())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('client_msg_id', 'text')
      .addColumn('accepted_at', 'bigint', (c) => c.notNull())
      .addColumn('certification', 'text', (c) => c.notNull())
      .execute();
    // Traffic limits count a sender's recent transactions.
    await db.schema.createIndex('pec_transactions_sender_at').on('pec_transactions').columns(['sender', 'accepted_at']).execute();
    await db.schema.createTable('pec_recipients')
      .addColumn('pec_msg_id', 'text', (c) => c.notNull().references('pec_transactions.pec_msg_id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('warned', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('pec_recipients_pk', ['pec_msg_id', 'address'])
      .execute();

    await db.schema.createTable('message_log')
      .addColumn('id', ...idColumn(dialect))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('pec_msg_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('sender', 'text')
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('message_log_at').on('message_log').column('at').execute();
    await db.schema.createIndex('message_log_pec_msg_id').on('message_log').column('pec_msg_id').execute();
    await db.schema.createIndex('message_log_message_id').on('message_log').column('message_id').execute();
    // Sender and recipients, lower-cased, one row each: search by address is an index lookup.
    await db.schema.createTable('message_log_addresses')
      .addColumn('log_id', 'bigint', (c) => c.notNull().references('message_log.id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_log_addresses_pk', ['address', 'log_id'])
      .execute();
    await db.schema.createIndex('message_log_addresses_log').on('message_log_addresses').column('log_id').execute();
    await db.schema.createTable('message_log_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('anchor_hash', 'text', (c) => c.notNull())
      .addColumn('last_id', 'bigint', (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into message_log_head (id, anchor_hash, last_id, last_hash) values (1, ${GENESIS_HASH}, 0, ${GENESIS_HASH})`.execute(db);

    await db.schema.createTable('providers')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('mail_receipt', 'text', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('certificates', 'text', (c) => c.notNull())
      .addColumn('route', 'text')
      .execute();
  },
};
