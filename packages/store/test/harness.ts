/**
 * Test targets: a fresh, isolated database per test, plus raw SQL access to it (as an
 * administrator or an intruder would have) to check what the ports cannot show.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, type Store } from '../src/index.ts';

/** One isolated database and data folder. */
export interface Target {
  readonly dataDir: string;
  /** Opens a new Store instance on the same database (call twice for two pools/connections). */
  open(opts?: { now?: () => Date }): Promise<Store>;
  /** Runs raw SQL with `?` placeholders outside the store. */
  exec(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Closes the stores it opened and removes everything. */
  dispose(): Promise<void>;
}

export type MakeTarget = () => Promise<Target>;

/** Default PostgreSQL URL of the test database. */
export const PG_URL = process.env.RECAPITO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

function tracking(dataDir: string, url: string | undefined, exec: Target['exec'], drop: () => Promise<void>): Target {
  const opened: Store[] = [];
  return {
    dataDir,
    async open(opts = {}) {
      const s = await openStore({ dataDir, ...(url === undefined ? {} : { url }), ...opts });
      opened.push(s);
      return s;
    },
    exec,
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** SQLite in a temporary folder. */
export const sqliteTarget: MakeTarget = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'recapito-store-'));
  const exec: Target['exec'] = async (text, params = []) => {
    const db = new Database(join(dataDir, 'recapito.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      const stmt = db.prepare(text);
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    } finally {
      db.close();
    }
  };
  return tracking(dataDir, undefined, exec, async () => undefined);
};

/** PostgreSQL in a fresh schema `t_<random>`, dropped at the end. */
export const postgresTarget: MakeTarget = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'recapito-store-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  const client = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const exec: Target['exec'] = (text, params = []) => client(async (c) => {
    let i = 0;
    const r = await c.query(text.replace(/\?/g, () => `$${++i}`), [...params]);
    return r.rows as Record<string, unknown>[];
  });
  return tracking(dataDir, url, exec, () => client(async (c) => {
    await c.query(`drop schema if exists ${schema} cascade`);
  }));
};

/** Runs `fn` with a fresh target and one store on it, disposing of both afterwards. */
export async function withStore(make: MakeTarget, fn: (s: Store, t: Target) => Promise<void>, opts?: { now?: () => Date }): Promise<void> {
  const t = await make();
  try {
    await fn(await t.open(opts), t);
  } finally {
    await t.dispose();
  }
}

export const LIMITS = { maxMessageBytes: 30_000_000, maxRecipients: 50, maxTotalBytes: 1_500_000_000, perDay: 1000, perMinute: 60 };

/** A mailbox with the given quota. */
export function newMailbox(address: string, quotaBytes = 1_000_000) {
  return { address, type: 'standard' as const, passwordHash: '$scrypt$test', quotaBytes, limits: LIMITS };
}

/** Resolves to the StoreError code a promise rejects with (fails if it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
  throw new Error('expected a rejection');
}
