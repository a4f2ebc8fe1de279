/**
 * Applies pending migrations under a lock, so that two processes opening the same database at
 * once neither fail nor apply a migration twice. SQLite: the transaction starts with BEGIN
 * IMMEDIATE (the write lock). PostgreSQL: a transaction-scoped advisory lock keyed on the
 * schema, released automatically even if the process dies; DDL is transactional on both, so a
 * failed migration leaves nothing half-applied.
 */
import { sql, type Kysely } from 'kysely';
import { migration001 } from './001-accounts-mailboxes.ts';
import { migration002 } from './002-queue-outbox-received.ts';
import { migration003 } from './003-transactions-log-index.ts';
import { migration004 } from './004-imap.ts';
import { migration005 } from './005-migration-map.ts';
import type { Migration, SqlDialect } from './types.ts';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];

/** Runs the pending migrations; returns the names applied. */
export async function migrate(db: Kysely<unknown>, dialect: SqlDialect, schema?: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      const scope = `recapito-store-migrate:${schema ?? 'public'}`;
      await sql`select pg_advisory_xact_lock(hashtext(${scope}))`.execute(trx);
      // Under the lock: CREATE SCHEMA IF NOT EXISTS itself races when run concurrently.
      if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    }
    await trx.schema.createTable('store_migrations').ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const { rows } = await sql<{ name: string }>`select name from store_migrations`.execute(trx);
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.name)) continue;
      await m.up(trx, dialect);
      await sql`insert into store_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(trx);
      applied.push(m.name);
    }
    return applied;
  });
}
