/**
 * Durable job queue. A claim is one statement — UPDATE … WHERE id IN (SELECT … LIMIT n) —
 * so it is atomic on both dialects: PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent
 * claimers pass over each other's rows instead of waiting; SQLite has a single writer.
 *
 * Completed jobs are not deleted: `complete` sets `completed_at` and drops the payload, and the
 * row stays as the tombstone of its key, so a key is refused forever (see migration 002).
 * `get` and `count` see open jobs only.
 */
import type { Selectable } from 'kysely';
import type { Job, NewJob, Queue } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { chunked, fromMs, parseJson, toMs, write, type Ctx } from './context.ts';
import type { Db, JobsTable } from './schema.ts';

function toJob(r: Selectable<JobsTable>): Job {
  return {
    id: Number(r.id),
    kind: r.kind,
    key: r.key,
    payload: parseJson<unknown>(r.payload),
    runAt: fromMs(r.run_at),
    attempts: Number(r.attempts),
    lastError: r.last_error,
  };
}

/** Kysely implementation of {@link Queue}. */
export class KyselyQueue implements Queue {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async enqueue(jobs: readonly NewJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    const now = this.ctx.now();
    const rows = jobs.map((j) => ({
      kind: j.kind,
      key: j.key,
      // undefined is not JSON; store null so that the payload always parses back.
      payload: JSON.stringify(j.payload ?? null),
      run_at: toMs(j.runAt ?? now, 'runAt'),
      attempts: 0,
    }));
    return write(this.db, this.ctx, async (db) => {
      let inserted = 0;
      // Bounded batches: SQLite caps the number of bound parameters per statement.
      for (const batch of chunked(rows, 500)) {
        const r = await db.insertInto('jobs').values(batch)
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('id')
          .execute();
        inserted += r.length;
      }
      return inserted;
    });
  }

  async claim(kinds: readonly string[], now: Date, leaseMs: number, limit: number): Promise<Job[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const nowMs = toMs(now);
    let due = this.db.selectFrom('jobs').select('id')
      .where('kind', 'in', [...kinds])
      .where('completed_at', 'is', null)
      .where('run_at', '<=', nowMs)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowMs)]))
      .orderBy('run_at').orderBy('id')
      .limit(limit);
    if (this.ctx.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await write(this.db, this.ctx, (db) => db.updateTable('jobs')
      .set({ lease_until: nowMs + Math.max(0, leaseMs) })
      .where('id', 'in', due)
      .returningAll()
      .execute());
    // RETURNING gives no order guarantee; hand jobs out oldest due first.
    return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  async complete(id: number): Promise<void> {
    const done = await write(this.db, this.ctx, (db) => db.updateTable('jobs')
      .set({ completed_at: toMs(this.ctx.now()), lease_until: null, payload: 'null' })
      .where('id', '=', id).where('completed_at', 'is', null)
      .returning('id')
      .executeTakeFirst());
    // Completing twice (a worker whose lease had expired) is harmless; an unknown id is a bug.
    if (done === undefined) await this.#requireJob(id);
  }

  async retry(id: number, runAt: Date, error: string): Promise<void> {
    const runAtMs = toMs(runAt, 'runAt');
    const done = await write(this.db, this.ctx, (db) => db.updateTable('jobs')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error, run_at: runAtMs, lease_until: null }))
      .where('id', '=', id).where('completed_at', 'is', null)
      .returning('id')
      .executeTakeFirst());
    if (done === undefined) await this.#requireJob(id);
  }

  async nextRunAt(kinds: readonly string[]): Promise<Date | undefined> {
    if (kinds.length === 0) return undefined;
    // A leased job becomes claimable again when its lease expires, not at run_at.
    const r = await this.db.selectFrom('jobs')
      .select((eb) => eb.fn.min<number | null>(
        eb.case().when(eb.and([eb('lease_until', 'is not', null), eb('lease_until', '>', eb.ref('run_at'))]))
          .then(eb.ref('lease_until')).else(eb.ref('run_at')).end(),
      ).as('next'))
      .where('kind', 'in', [...kinds])
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    return r?.next === null || r?.next === undefined ? undefined : fromMs(r.next);
  }

  async get(key: string): Promise<Job | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll()
      .where('key', '=', key).where('completed_at', 'is', null).executeTakeFirst();
    return row === undefined ? undefined : toJob(row);
  }

  async count(kinds?: readonly string[]): Promise<number> {
    let q = this.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('completed_at', 'is', null);
    if (kinds !== undefined) {
      if (kinds.length === 0) return 0;
      q = q.where('kind', 'in', [...kinds]);
    }
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async #requireJob(id: number): Promise<void> {
    const row = await this.db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new StoreError('JOB_NOT_FOUND', `no job with id ${id}`);
  }
}
