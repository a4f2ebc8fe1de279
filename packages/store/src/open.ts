/**
 * Opening a store: SQLite in the data folder by default, PostgreSQL when given a URL; blobs on
 * disk under `<dataDir>/blobs` in both cases. Migrations run on every open (see migrations/).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from './ports.ts';
import { StoreError } from './errors.ts';
import { FsBlobStore } from './blobs/fs-blob-store.ts';
import { migrate } from './migrations/index.ts';
import type { Ctx } from './kysely/context.ts';
import type { Database } from './kysely/schema.ts';
import { ImmediateSqliteDialect, openSqliteFile } from './kysely/sqlite-dialect.ts';
import { KyselyStore } from './kysely/store.ts';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Folder of the SQLite file (`recapito.sqlite`) and of the blobs; created if missing. */
  readonly dataDir: string;
  /**
   * `postgres://user@host:port/db[?schema=name]` to use PostgreSQL; absent or empty for SQLite.
   * `schema` selects (and creates) the schema the tables live in.
   */
  readonly url?: string;
  /** The store's clock (creation times, default run times). Default: the system clock. */
  readonly now?: () => Date;
  /** PostgreSQL connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long a SQLite writer waits for another process's write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * 64-bit integers (ids, sizes, epoch-ms instants) come back from pg as strings by default;
 * this store keeps them below 2^53, so they are read as numbers, refusing any that would lose
 * precision rather than corrupting them silently.
 */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') {
      return (v: string) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${v} exceeds 2^53`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** Where the database is, for messages (never the password). */
function describe(u: URL): string {
  return `${u.hostname}${u.port === '' ? '' : `:${u.port}`}${u.pathname}`;
}

interface PgConfig {
  readonly connectionString: string;
  readonly schema: string | undefined;
  readonly where: string;
}

/** Validates the URL before anything is created on disk or on the network. */
function parsePostgresUrl(url: string): PgConfig {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    // A mistyped URL must not silently fall back to an empty SQLite database.
    throw new StoreError('STORE_CONFIG_INVALID', 'the store URL must start with postgres:// or postgresql://');
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreError('STORE_CONFIG_INVALID', 'the PostgreSQL URL cannot be parsed');
  }
  const schema = u.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError('STORE_CONFIG_INVALID', `schema must match ${SCHEMA_NAME.source}: ${schema}`);
  }
  // pg would read an unknown query parameter as a connection setting: take it out.
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema, where: describe(u) };
}

function openPostgres(cfg: PgConfig, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: cfg.connectionString,
    max: poolSize,
    types: pgTypes,
    // Set in the startup packet, so every pooled connection has it before its first query.
    ...(cfg.schema === undefined ? {} : { options: `-c search_path=${cfg.schema}` }),
  });
  // An idle connection dropped by the server is discarded by the pool; without a listener the
  // 'error' event would crash the process.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens (creating and migrating as needed) the store described by `opts`. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const ctx: Ctx = {
    dialect: opts.url !== undefined && opts.url !== '' ? 'postgres' : 'sqlite',
    now: opts.now ?? (() => new Date()),
  };
  const pgConfig = ctx.dialect === 'postgres' ? parsePostgresUrl(opts.url ?? '') : undefined;
  let blobs: FsBlobStore;
  try {
    await mkdir(opts.dataDir, { recursive: true });
    blobs = await FsBlobStore.open(join(opts.dataDir, 'blobs'));
  } catch (err) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot prepare the data folder: ${(err as Error).message}`, { cause: err });
  }

  let db: Kysely<Database>;
  let schema: string | undefined;
  let where: string;
  if (pgConfig !== undefined) {
    db = openPostgres(pgConfig, opts.poolSize ?? 10);
    ({ schema, where } = pgConfig);
  } else {
    const busy = opts.busyTimeoutMs ?? 5000;
    where = join(opts.dataDir, 'recapito.sqlite');
    try {
      db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(openSqliteFile(where, busy), busy) });
    } catch (err) {
      await blobs.close();
      throw new StoreError('STORE_UNAVAILABLE', `cannot open ${where}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    await migrate(db as unknown as Kysely<unknown>, ctx.dialect, schema);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    await blobs.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the ${ctx.dialect} store at ${where}: ${(err as Error).message}`, { cause: err });
  }
  return new KyselyStore(db, ctx, blobs);
}
