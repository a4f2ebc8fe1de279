/**
 * What every port shares: the dialect, the store's clock, and helpers to run a group of
 * statements atomically and to convert values at the edge (see schema.ts for representations).
 */
import type { Db } from './schema.ts';
import { StoreError } from '../errors.ts';

/** Per-store settings passed to every port. */
export interface Ctx {
  readonly dialect: 'sqlite' | 'postgres';
  readonly now: () => Date;
}

/**
 * Runs `fn` in a transaction, or directly when `db` already is one (inside Store.transaction).
 * On SQLite the transaction starts with BEGIN IMMEDIATE (see sqlite-dialect.ts), so the write
 * lock is taken up front and the statements inside cannot fail with a busy snapshot.
 */
export function atomic<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * For single-statement writes. PostgreSQL needs no explicit transaction; SQLite goes through
 * one anyway because only BEGIN IMMEDIATE waits for a busy database without freezing the event
 * loop (an autocommit statement would wait synchronously inside the driver).
 */
export function write<T>(db: Db, ctx: Ctx, fn: (trx: Db) => Promise<T>): Promise<T> {
  return ctx.dialect === 'sqlite' ? atomic(db, fn) : fn(db);
}

/** Date → epoch ms, refusing invalid dates rather than storing NaN. */
export function toMs(d: Date, what = 'date'): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new StoreError('INVALID_INPUT', `${what} is not a valid Date`);
  return ms;
}

export function fromMs(ms: number): Date {
  return new Date(Number(ms));
}

export function fromMsOrNull(ms: number | null): Date | null {
  return ms === null ? null : fromMs(ms);
}

export function toBool(b: boolean): number {
  return b ? 1 : 0;
}

export function fromBool(n: number): boolean {
  return Number(n) === 1;
}

/** Lower-cases an e-mail address or domain for lookups; addresses are compared case-insensitively. */
export function normAddress(a: string): string {
  return a.trim().toLowerCase();
}

/** Splits `local@domain`, refusing inputs without both parts. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new StoreError('INVALID_INPUT', `not an address: ${address}`);
  return address.slice(at + 1);
}

/** Parses JSON text stored by this package. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Splits a list into pieces, to keep statements under the bound-parameter limits. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
