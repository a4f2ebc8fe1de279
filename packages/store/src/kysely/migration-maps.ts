/**
 * The identity map of mailbox migration jobs. The primary key (job, source folder, UIDVALIDITY,
 * UID) decides, atomically and on both dialects, whether a source message is already recorded:
 * re-recording is a no-op (ON CONFLICT), except over a `failed` or `pending` entry, which a later
 * record replaces.
 */
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { MapEntry, MapEntryState, MigrationFolderSummary, MigrationJob, MigrationMaps } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, chunked, fromMs, toMs, write, type Ctx } from './context.ts';
import type { Database, Db, MigrationJobsTable, MigrationMapTable } from './schema.ts';

/** Rows per multi-row INSERT: 13 columns each, well under both dialects' parameter limits. */
const INSERT_CHUNK = 500;
/** UIDs per IN list. */
const UID_CHUNK = 1000;
const STATES: ReadonlySet<string> = new Set<MapEntryState>(['pending', 'copied', 'verified', 'failed']);
const REPLACEABLE: MapEntryState[] = ['failed', 'pending'];
const PRESENT: MapEntryState[] = ['copied', 'verified'];

function int(n: number, what: string, min = 0): number {
  if (!Number.isSafeInteger(n) || n < min) throw new StoreError('INVALID_INPUT', `invalid ${what}: ${n}`);
  return n;
}

function intOrNull(n: number | null, what: string): number | null {
  return n === null ? null : int(n, what);
}

function toJob(r: Selectable<MigrationJobsTable>): MigrationJob {
  return { id: Number(r.id), key: r.key, source: r.source, destination: r.destination, createdAt: fromMs(r.created_at) };
}

function toEntry(r: Selectable<MigrationMapTable>): MapEntry {
  return {
    sourceFolder: r.source_folder,
    sourceUidValidity: Number(r.source_uid_validity),
    sourceUid: Number(r.source_uid),
    destFolder: r.dest_folder,
    destUidValidity: r.dest_uid_validity === null ? null : Number(r.dest_uid_validity),
    destUid: r.dest_uid === null ? null : Number(r.dest_uid),
    messageId: r.message_id,
    size: Number(r.size),
    sha256: r.sha256,
    state: r.state as MapEntryState,
    error: r.error,
  };
}

function normSha(sha256: string): string {
  const h = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
  if (!/^[0-9a-f]{64}$/.test(h)) throw new StoreError('INVALID_INPUT', `not a hex SHA-256: ${String(sha256)}`);
  return h;
}

const keyOf = (e: MapEntry): string => JSON.stringify([e.sourceFolder, e.sourceUidValidity, e.sourceUid]);

/**
 * Validates the entries and folds duplicates within the batch as if recorded one after the
 * other (a later entry only replaces a `failed` one); sorted by key, so that concurrent writers
 * of overlapping batches lock rows in the same order (no deadlock on PostgreSQL).
 */
function prepare(jobId: number, entries: readonly MapEntry[], now: number): MigrationMapTable[] {
  const byKey = new Map<string, MigrationMapTable>();
  for (const e of entries) {
    if (!STATES.has(e.state)) throw new StoreError('INVALID_INPUT', `invalid state: ${String(e.state)}`);
    if (typeof e.sourceFolder !== 'string' || typeof e.destFolder !== 'string') throw new StoreError('INVALID_INPUT', 'folder names must be strings');
    const row: MigrationMapTable = {
      job_id: jobId,
      source_folder: e.sourceFolder,
      source_uid_validity: int(e.sourceUidValidity, 'sourceUidValidity'),
      source_uid: int(e.sourceUid, 'sourceUid', 1),
      dest_folder: e.destFolder,
      dest_uid_validity: intOrNull(e.destUidValidity, 'destUidValidity'),
      dest_uid: intOrNull(e.destUid, 'destUid'),
      message_id: e.messageId,
      size: int(e.size, 'size'),
      sha256: normSha(e.sha256),
      state: e.state,
      error: e.error ?? null,
      updated_at: now,
    };
    const k = keyOf(e);
    const prev = byKey.get(k);
    if (prev === undefined || prev.state === 'failed' || prev.state === 'pending') byKey.set(k, row);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** Kysely implementation of {@link MigrationMaps}. */
export class KyselyMigrationMaps implements MigrationMaps {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async openJob(key: string, source: string, destination: string): Promise<MigrationJob> {
    if (typeof key !== 'string' || key === '') throw new StoreError('INVALID_INPUT', 'a migration job needs a key');
    const now = toMs(this.ctx.now());
    return write(this.db, this.ctx, async (db) => {
      const row = await db.insertInto('migration_jobs')
        .values({ key, source, destination, created_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return toJob(row);
      // Opened before (a re-run or a resume): the existing job, as created.
      return toJob(await db.selectFrom('migration_jobs').selectAll().where('key', '=', key).executeTakeFirstOrThrow());
    });
  }

  async recordCopied(jobId: number, entries: readonly MapEntry[]): Promise<void> {
    const rows = prepare(jobId, entries, toMs(this.ctx.now()));
    await atomic(this.db, async (trx) => {
      await this.#requireJob(trx, jobId);
      for (const part of chunked(rows, INSERT_CHUNK)) {
        await trx.insertInto('migration_map').values(part)
          .onConflict((oc) => oc.columns(['job_id', 'source_folder', 'source_uid_validity', 'source_uid'])
            .doUpdateSet((eb) => ({
              dest_folder: eb.ref('excluded.dest_folder'),
              dest_uid_validity: eb.ref('excluded.dest_uid_validity'),
              dest_uid: eb.ref('excluded.dest_uid'),
              message_id: eb.ref('excluded.message_id'),
              size: eb.ref('excluded.size'),
              sha256: eb.ref('excluded.sha256'),
              state: eb.ref('excluded.state'),
              error: eb.ref('excluded.error'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            // Present entries stay as they are: only a failure or a write-ahead entry is replaced.
            .where('migration_map.state', 'in', REPLACEABLE))
          .execute();
      }
    });
  }

  async markVerified(jobId: number, sourceFolder: string, sourceUidValidity: number, uids: readonly number[]): Promise<void> {
    const list = [...new Set(uids.map((u) => int(u, 'uid', 1)))].sort((a, b) => a - b);
    if (list.length === 0) return;
    const now = toMs(this.ctx.now());
    await atomic(this.db, async (trx) => {
      for (const part of chunked(list, UID_CHUNK)) {
        await trx.updateTable('migration_map').set({ state: 'verified', error: null, updated_at: now })
          .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
          .where('source_uid_validity', '=', int(sourceUidValidity, 'sourceUidValidity'))
          .where('source_uid', 'in', part)
          .where('state', '=', 'copied')
          .execute();
      }
    });
  }

  async markFailed(jobId: number, sourceFolder: string, sourceUidValidity: number, uid: number, error: string): Promise<void> {
    const now = toMs(this.ctx.now());
    const r = await write(this.db, this.ctx, (db) => db.updateTable('migration_map')
      .set({ state: 'failed', error, updated_at: now })
      .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
      .where('source_uid_validity', '=', int(sourceUidValidity, 'sourceUidValidity'))
      .where('source_uid', '=', int(uid, 'uid', 1))
      .returning('source_uid')
      .executeTakeFirst());
    if (r === undefined) {
      throw new StoreError('MIGRATION_NOT_FOUND', `job ${jobId} has no entry for ${sourceFolder} ${sourceUidValidity}:${uid}`);
    }
  }

  async copiedUids(jobId: number, sourceFolder: string, sourceUidValidity: number): Promise<Set<number>> {
    const rows = await this.db.selectFrom('migration_map').select('source_uid')
      .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
      .where('source_uid_validity', '=', int(sourceUidValidity, 'sourceUidValidity'))
      .where('state', 'in', PRESENT)
      .execute();
    return new Set(rows.map((r) => Number(r.source_uid)));
  }

  async uidValidities(jobId: number, sourceFolder: string): Promise<number[]> {
    const rows = await this.db.selectFrom('migration_map').select('source_uid_validity').distinct()
      .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
      .where('state', 'in', PRESENT)
      .orderBy('source_uid_validity')
      .execute();
    return rows.map((r) => Number(r.source_uid_validity));
  }

  async findByDigest(jobId: number, destFolder: string, sha256: string, size: number): Promise<MapEntry[]> {
    const rows = await this.db.selectFrom('migration_map').selectAll()
      .where('job_id', '=', jobId).where('dest_folder', '=', destFolder)
      .where('sha256', '=', normSha(sha256)).where('size', '=', int(size, 'size'))
      .where('state', 'in', PRESENT)
      .orderBy('source_folder').orderBy('source_uid_validity').orderBy('source_uid')
      .execute();
    return rows.map(toEntry);
  }

  async entries(jobId: number, sourceFolder: string, sourceUidValidity: number, state: MapEntryState): Promise<MapEntry[]> {
    if (!STATES.has(state)) throw new StoreError('INVALID_INPUT', `invalid state: ${String(state)}`);
    const rows = await this.db.selectFrom('migration_map').selectAll()
      .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
      .where('source_uid_validity', '=', int(sourceUidValidity, 'sourceUidValidity'))
      .where('state', '=', state)
      .orderBy('source_uid')
      .execute();
    return rows.map(toEntry);
  }

  async forgetPending(jobId: number, sourceFolder: string, sourceUidValidity: number, uids: readonly number[]): Promise<void> {
    const list = [...new Set(uids.map((u) => int(u, 'uid', 1)))].sort((a, b) => a - b);
    if (list.length === 0) return;
    await atomic(this.db, async (trx) => {
      for (const part of chunked(list, UID_CHUNK)) {
        await trx.deleteFrom('migration_map')
          .where('job_id', '=', jobId).where('source_folder', '=', sourceFolder)
          .where('source_uid_validity', '=', int(sourceUidValidity, 'sourceUidValidity'))
          .where('source_uid', 'in', part)
          .where('state', '=', 'pending')
          .execute();
      }
    });
  }

  async maxDestUid(jobId: number, destFolder: string, destUidValidity: number): Promise<number> {
    const r = await this.db.selectFrom('migration_map')
      .select((eb) => eb.fn.max<number | null>('dest_uid').as('m'))
      .where('job_id', '=', jobId).where('dest_folder', '=', destFolder)
      .where('dest_uid_validity', '=', int(destUidValidity, 'destUidValidity'))
      .where('state', 'in', PRESENT)
      .executeTakeFirst();
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
  }

  async summary(jobId: number): Promise<MigrationFolderSummary[]> {
    const count = (state: MapEntryState) => (eb: ExpressionBuilder<Database, 'migration_map'>) =>
      eb.fn.sum<number>(eb.case().when('state', '=', state).then(1).else(0).end());
    const rows = await this.db.selectFrom('migration_map')
      .select((eb) => [
        'source_folder',
        count('copied')(eb).as('copied'),
        count('verified')(eb).as('verified'),
        count('failed')(eb).as('failed'),
        eb.fn.sum<number>(eb.case().when('state', 'in', PRESENT).then(eb.ref('size')).else(0).end()).as('bytes'),
      ])
      .where('job_id', '=', jobId)
      .groupBy('source_folder')
      .orderBy('source_folder')
      .execute();
    return rows.map((r) => ({
      sourceFolder: r.source_folder,
      copied: Number(r.copied),
      verified: Number(r.verified),
      failed: Number(r.failed),
      bytes: Number(r.bytes),
    }));
  }

  async #requireJob(db: Db, jobId: number): Promise<void> {
    const j = await db.selectFrom('migration_jobs').select('id').where('id', '=', int(jobId, 'jobId', 1)).executeTakeFirst();
    if (j === undefined) throw new StoreError('MIGRATION_NOT_FOUND', `no migration job with id ${jobId}`);
  }
}
