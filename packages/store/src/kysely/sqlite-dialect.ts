/**
 * SQLite through better-sqlite3, with two changes to Kysely's stock dialect:
 *
 * - Transactions start with BEGIN IMMEDIATE, taking the write lock at the start. A deferred
 *   BEGIN that reads and then writes can fail with SQLITE_BUSY_SNAPSHOT when another process
 *   wrote in between, and SQLite's busy handler does not retry that case.
 * - Waiting for the lock happens with asynchronous sleeps instead of the driver's synchronous
 *   busy handler. better-sqlite3 blocks the whole thread while SQLite waits, which would freeze
 *   a server while the CLI writes, and would deadlock two stores opened in one process (the
 *   lock holder could never run to release it).
 */
import Database from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../errors.ts';

/** Opens the database file with the pragmas the store relies on. */
export function openSqliteFile(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file);
  try {
    // busy_timeout first, so that switching to WAL waits for another process opening the file.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    // FULL: a commit survives power loss, not only a process crash (WAL's NORMAL does not).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #raw: Database.Database;
  readonly #busyTimeoutMs: number;

  constructor(raw: Database.Database, busyTimeoutMs: number) {
    super({ database: raw });
    this.#raw = raw;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  override async beginTransaction(_connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    let pause = 1;
    // Kysely's connection mutex is held here, so nothing else uses the connection while the
    // busy timeout is lowered.
    this.#raw.pragma('busy_timeout = 0');
    try {
      for (;;) {
        try {
          this.#raw.exec('BEGIN IMMEDIATE');
          return;
        } catch (err) {
          if (!isBusy(err)) throw err;
          if (Date.now() >= deadline) {
            throw new StoreError('STORE_BUSY', `database locked by another writer for more than ${this.#busyTimeoutMs} ms`, { cause: err });
          }
          await sleep(pause + Math.random() * pause);
          pause = Math.min(pause * 2, 25);
        }
      }
    } finally {
      this.#raw.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }
}

/** Kysely dialect over an already opened better-sqlite3 database (see module comment). */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #raw: Database.Database;
  readonly #busyTimeoutMs: number;

  constructor(raw: Database.Database, busyTimeoutMs: number) {
    super({ database: raw });
    this.#raw = raw;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#raw, this.#busyTimeoutMs);
  }
}
