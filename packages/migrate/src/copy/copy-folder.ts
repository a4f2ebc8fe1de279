/**
 * Copies the new messages of one source folder into its destination folder, crash-safe:
 *
 * 1. What an interrupted run left `pending` is settled first (found by bytes, or forgotten).
 * 2. Messages go in batches. A batch is read from the source (one streamed UID FETCH
 *    BODY.PEEK[], while the previous batch is being appended), written ahead to the map as
 *    `pending`, appended pipelined with flags and INTERNALDATE (RFC 3501 §6.3.11; in MULTIAPPEND
 *    groups, RFC 3502, when the server offers it), and then
 *    recorded `copied` with the UIDs from APPENDUID (RFC 4315), or located by bytes without it.
 *
 * A kill at any point leaves each message either recorded or pending, never appended and
 * unknown; the next run therefore never appends a message twice.
 */
import { createHash } from 'node:crypto';
import { MigrateError } from '../errors.ts';
import type { AppendResult, SourceMessage } from '../imap/endpoint.ts';
import type { DataSession } from '../imap/raw/data-session.ts';
import { messageIdOf } from '../imap/wire.ts';
import { chunkBySize } from './chunks.ts';
import { EarlierCopies } from './earlier.ts';
import { locateAppended } from './locate.ts';
import { slabs, type Slab } from './slabs.ts';
import { verifyEntries } from './verify-folder.ts';
import type { CopyOptions, FolderReport, JobEntry, JobMap } from './types.ts';

/** A folder to copy, as the scan found it. */
export interface FolderWork {
  readonly source: string;
  readonly dest: string;
  readonly uidValidity: number;
  /** Source messages not yet copied at the scan. */
  readonly todo: readonly SourceMessage[];
  readonly report: FolderReport;
}

export interface FolderContext {
  readonly map: JobMap;
  readonly options: CopyOptions;
  /** Source UIDs that failed in this run: not retried before the next run. */
  readonly failedThisRun: Set<number>;
}

const BATCH_MESSAGES = 200;
const BATCH_BYTES = 16 * 1024 * 1024;
/** Refusals that concern one message: recorded, and the run goes on. */
const PER_MESSAGE = new Set(['OVER_QUOTA', 'MESSAGE_TOO_BIG', 'IMAP_COMMAND_FAILED']);

interface Fetched { readonly meta: SourceMessage; readonly bytes: Uint8Array; readonly sha256: string; readonly messageId: string | null }

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The Message-ID of the header block (never a line of the body or of an attached message). */
function messageIdFromBytes(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64 * 1024));
  const end = head.indexOf('\r\n\r\n');
  return messageIdOf(end < 0 ? head : head.subarray(0, end + 2));
}

/** A batch read from the source; its bytes live in `slab` (or, if they did not fit, their own buffers). */
interface FetchedBatch { readonly messages: Fetched[]; readonly slab: Slab }

async function fetchBatch(src: DataSession, folder: string, batch: readonly SourceMessage[]): Promise<FetchedBatch> {
  const byUid = new Map(batch.map((m) => [m.uid, m]));
  const out: Fetched[] = [];
  const slab = slabs.acquire();
  for await (const { uid, bytes } of src.fetchRawMany(folder, [...byUid.keys()], (size) => slab.take(size))) {
    const meta = byUid.get(uid);
    if (meta) out.push({ meta, bytes, sha256: sha256Hex(bytes), messageId: meta.messageId ?? messageIdFromBytes(bytes) });
  }
  return { messages: out.sort((a, b) => a.meta.uid - b.meta.uid), slab };
}

/** Settles the entries an interrupted run left pending in this folder. */
export async function settlePending(dst: DataSession, work: FolderWork, destUidValidity: number, map: JobMap): Promise<void> {
  const pending = await map.entries(work.source, work.uidValidity, 'pending');
  if (pending.length === 0) return;
  const { found, missing } = await locateAppended(dst, map, work.dest, destUidValidity, pending);
  await map.record(found);
  await map.forgetPending(work.source, work.uidValidity, missing.map((e) => e.sourceUid));
}

export async function copyFolder(src: DataSession, dst: DataSession, work: FolderWork, ctx: FolderContext): Promise<void> {
  const { map, options } = ctx;
  const srcState = await src.examine(work.source);
  if (srcState.uidValidity !== work.uidValidity) throw new MigrateError('FOLDER_CHANGED', work.source);
  const dstState = await dst.select(work.dest);
  await settlePending(dst, work, dstState.uidValidity, map);
  const done = await map.copiedUids(work.source, work.uidValidity);
  const todo = work.todo.filter((m) => !done.has(m.uid) && !ctx.failedThisRun.has(m.uid));
  const earlier = todo.length > 0 ? await EarlierCopies.load(map, work, dstState.uidValidity) : null;
  const groups = chunkBySize(todo, (m) => m.size, BATCH_MESSAGES, BATCH_BYTES);
  let next: Promise<FetchedBatch> | undefined = groups.length > 0 ? fetchBatch(src, work.source, groups[0]!) : undefined;
  let verifying: Promise<void> = Promise.resolve();
  for (let i = 0; next; i++) {
    const current = await next;
    next = i + 1 < groups.length ? fetchBatch(src, work.source, groups[i + 1]!) : undefined;
    // A failure below must not leave the prefetch's rejection unhandled.
    next?.catch(() => undefined);
    options.signal?.throwIfAborted();
    const matched = earlier ? await rematch(work, current.messages, earlier, ctx) : [];
    const taken = new Set(matched.map((e) => e.sourceUid));
    const fresh = taken.size > 0 ? current.messages.filter((f) => !taken.has(f.meta.uid)) : current.messages;
    const copied = [...matched, ...await appendBatch(dst, work, dstState.uidValidity, fresh, ctx)];
    // Every APPEND of the batch is answered: its bytes are no longer referenced. (After a
    // failure the slab is simply left to the garbage collector.)
    slabs.release(current.slab);
    // Each batch is read back while the next one is appended on the same session, so a big
    // folder is not verified all at the end, alone (the folder's sweep finds the rest).
    await verifying;
    if (options.verify !== false && copied.length > 0) {
      verifying = verifyEntries(dst, work, copied, map, options);
      verifying.catch(() => undefined);
    }
  }
  await verifying;
}

/** Records as copied the messages of the batch that already have a copy from an earlier numbering (earlier.ts). */
async function rematch(work: FolderWork, batch: readonly Fetched[], earlier: EarlierCopies, ctx: FolderContext): Promise<JobEntry[]> {
  const matched: JobEntry[] = [];
  for (const f of batch) {
    const e = earlier.claim(f.sha256, f.bytes.byteLength);
    if (!e) continue;
    matched.push(entryOf(work, f, { destFolder: e.destFolder, destUidValidity: e.destUidValidity, destUid: e.destUid, state: 'copied' }));
    ctx.options.onEvent?.({ type: 'progress', folder: work.source, messages: 1, bytes: f.bytes.byteLength });
  }
  if (matched.length === 0) return matched;
  await ctx.map.record(matched);
  work.report.skipped += matched.length;
  work.report.rematched += matched.length;
  return matched;
}

function entryOf(work: FolderWork, f: Fetched, over: Partial<JobEntry>): JobEntry {
  return {
    sourceFolder: work.source, sourceUidValidity: work.uidValidity, sourceUid: f.meta.uid,
    destFolder: work.dest, destUidValidity: null, destUid: null,
    messageId: f.messageId, size: f.bytes.byteLength, sha256: f.sha256, state: 'pending', error: null,
    ...over,
  };
}

/** APPEND commands in flight at once on one session: enough to hide the round trip. */
const WINDOW = 16;
/** Messages per MULTIAPPEND (RFC 3502): one server transaction instead of one per message. */
const GROUP_MESSAGES = 50;
const GROUP_BYTES = 8 * 1024 * 1024;

type Outcome = { ok: AppendResult } | { err: unknown };

/**
 * Appends the batch pipelined, grouped with MULTIAPPEND when offered; a group the server
 * refuses (all or none) is retried one message at a time, so only the culprit fails.
 * Outcomes in batch order; shorter when stopped by the signal.
 */
async function appendAll(dst: DataSession, work: FolderWork, batch: readonly Fetched[], ctx: FolderContext): Promise<Outcome[]> {
  const { options } = ctx;
  const limit = dst.appendLimit();
  const out: Outcome[] = new Array(batch.length);
  const item = (f: Fetched) => {
    const mark = options.mark;
    const flags = mark && !f.meta.flags.some((x) => x.toLowerCase() === mark.toLowerCase()) ? [...f.meta.flags, mark] : f.meta.flags;
    return { bytes: f.bytes, flags, internalDate: f.meta.internalDate };
  };
  const one = async (i: number): Promise<void> => {
    const f = batch[i]!;
    if (limit !== null && f.bytes.byteLength > limit) {
      out[i] = { err: new MigrateError('MESSAGE_TOO_BIG', `${f.bytes.byteLength} bytes, the destination accepts at most ${limit} (APPENDLIMIT)`) };
      return;
    }
    try { out[i] = { ok: (await dst.append(work.dest, [item(f)]))[0]! }; } catch (err) { out[i] = { err }; }
  };
  const group = async (idx: number[]): Promise<void> => {
    if (idx.length === 1) await one(idx[0]!);
    else {
      try {
        const r = await dst.append(work.dest, idx.map((i) => item(batch[i]!)));
        idx.forEach((i, k) => { out[i] = { ok: r[k]! }; });
      } catch (err) {
        if (!(err instanceof MigrateError) || !PER_MESSAGE.has(err.code)) { for (const i of idx) out[i] = { err }; return; }
        for (const i of idx) await one(i);
      }
    }
    for (const i of idx) options.onEvent?.({ type: 'progress', folder: work.source, messages: 1, bytes: batch[i]!.bytes.byteLength });
  };
  const multi = dst.capabilities().has('MULTIAPPEND');
  const fitting = (i: number): boolean => limit === null || batch[i]!.bytes.byteLength <= limit;
  const inflight: Promise<void>[] = [];
  let issued = 0;
  const indexes = batch.map((_, i) => i);
  const commands = multi ? chunkBySize(indexes, (i) => batch[i]!.bytes.byteLength, GROUP_MESSAGES, GROUP_BYTES) : indexes.map((i) => [i]);
  for (const g of commands) {
    // Stopping between two commands leaves the rest of the batch pending: settled next run.
    if (options.signal?.aborted) break;
    for (const i of g) await options.throttle?.take(batch[i]!.bytes.byteLength);
    // A message over APPENDLIMIT would sink its whole group: it goes alone.
    inflight.push(g.every(fitting) ? group(g) : Promise.all(g.map((i) => group([i]))).then(() => undefined));
    issued += g.length;
    if (inflight.length >= WINDOW) await inflight.shift();
  }
  await Promise.all(inflight);
  out.length = issued;
  return out;
}

/** Appends and records one batch; returns the entries recorded `copied` (with their destination UID). */
async function appendBatch(dst: DataSession, work: FolderWork, destUidValidity: number, batch: readonly Fetched[], ctx: FolderContext): Promise<JobEntry[]> {
  const { map, options } = ctx;
  const report = work.report;
  await map.record(batch.map((f) => entryOf(work, f, {})));
  // APPENDUID is only trusted from a server that announces UIDPLUS (RFC 4315 §1).
  const uidplus = dst.capabilities().has('UIDPLUS');
  const outcomes = await appendAll(dst, work, batch, ctx);
  const known: JobEntry[] = [];
  const unknown: JobEntry[] = [];
  let fatal: unknown;
  outcomes.forEach((o, i) => {
    const f = batch[i]!;
    if ('ok' in o) {
      if (o.ok.droppedFlags.length > 0) report.flagsDropped++;
      if (uidplus && o.ok.uid !== null && o.ok.uidValidity === destUidValidity) known.push(entryOf(work, f, { destUid: o.ok.uid, destUidValidity, state: 'copied' }));
      else unknown.push(entryOf(work, f, {}));
      report.copied++;
      report.copiedBytes += f.bytes.byteLength;
      return;
    }
    const err = o.err;
    if (!(err instanceof MigrateError) || !PER_MESSAGE.has(err.code)) { fatal ??= err; return; }
    const code = err.code === 'IMAP_COMMAND_FAILED' ? 'MESSAGE_REJECTED' : err.code;
    known.push(entryOf(work, f, { state: 'failed', error: `${code}: ${err.message}` }));
    report.failed++;
    report.errors.push({ uid: f.meta.uid, code, reason: err.message });
    ctx.failedThisRun.add(f.meta.uid);
  });
  // What succeeded is recorded even when the session broke: less to settle on the retry.
  await map.record(known);
  if (fatal !== undefined) throw fatal;
  options.signal?.throwIfAborted();
  const copied = known.filter((e) => e.state === 'copied');
  if (unknown.length === 0) return copied;
  const { found, missing } = await locateAppended(dst, map, work.dest, destUidValidity, unknown);
  // Appended with OK, yet not there: recorded as failed, so the next run tries again.
  await map.record([...found, ...missing.map((e) => ({ ...e, state: 'failed' as const, error: 'MESSAGE_REJECTED: appended but not found in the destination' }))]);
  for (const e of missing) {
    report.copied--;
    report.failed++;
    report.errors.push({ uid: e.sourceUid, code: 'MESSAGE_REJECTED', reason: 'the server accepted the APPEND but the message is not in the folder' });
  }
  return [...copied, ...found];
}
