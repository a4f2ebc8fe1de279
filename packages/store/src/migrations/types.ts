/**
 * A numbered schema migration. Migrations are written once with Kysely's schema builder for
 * both dialects; they receive `Kysely<unknown>` on purpose, so that they never depend on the
 * row types of a later version of the code.
 */
import type { ColumnDataType, ColumnDefinitionBuilder, Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

export interface Migration {
  /** `NNN-name`, applied in this order and recorded in `store_migrations`. */
  readonly name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/**
 * A surrogate 64-bit key. SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (ids are never reused
 * after deletes); PostgreSQL: a bigint identity column.
 */
export function idColumn(dialect: SqlDialect): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return dialect === 'postgres'
    ? ['bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()]
    : ['integer', (c) => c.primaryKey().autoIncrement()];
}
