/**
 * One mailbox, source to destination: scan, quota pre-check, then the folders in parallel lanes
 * (each lane its own source and destination session, largest folders first), each folder copied
 * and then verified. A lost connection or a busy server costs a backoff and a reconnection, and
 * the folder resumes from the identity map; a refused message is recorded and the run goes on.
 */
import { MigrateError } from '../errors.ts';
import type { ImapEndpoint } from '../imap/endpoint.ts';
import type { DataSession } from '../imap/raw/data-session.ts';
import { copyFolder, type FolderContext, type FolderWork } from './copy-folder.ts';
import { planFolders, scanFolders, type FolderPlan } from './scan.ts';
import { backoffDelay, sleep } from './throttle.ts';
import type { Connect, CopyOptions, DataConnect, JobMap, MailboxReport, RunStatus } from './types.ts';
import { verifyFolder } from './verify-folder.ts';

export interface MailboxJob {
  /** Labels for the report (URLs without secrets). */
  readonly source: string;
  readonly destination: string;
  /** Sessions for listing and the scan. */
  readonly connectSource: Connect;
  readonly connectDest: Connect;
  /** Sessions of the data path (the lanes). */
  readonly dataSource: DataConnect;
  readonly dataDest: DataConnect;
  readonly map: JobMap;
  readonly options: CopyOptions;
  /**
   * Reserves the connections of one lane (a source and a destination session) before they are
   * opened, all at once so that lanes waiting on per-host limits cannot deadlock; the returned
   * function frees them when the lane closes.
   */
  readonly reserveLane?: () => Promise<() => void>;
}

/** Bytes to copy that justify one more lane. */
const LANE_BYTES = 32 * 1024 * 1024;

/** Failures worth a reconnection: the link went away or the server asked us to slow down. */
const RETRYABLE = new Set(['CONNECTION_LOST', 'SERVER_BUSY', 'CONNECT_FAILED']);

interface Lane { src?: DataSession; dst?: DataSession; release?: () => void }

/** A MigrateError's code, or the code an abort reason carries (INTERRUPTED), else INTERNAL. */
function codeOf(err: unknown): string {
  if (err instanceof MigrateError) return err.code;
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' && /^[A-Z_]+$/.test(c) ? c : 'INTERNAL';
}
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function closeLane(lane: Lane): Promise<void> {
  await Promise.all([lane.src?.close(), lane.dst?.close()]);
  lane.src = undefined;
  lane.dst = undefined;
  lane.release?.();
  lane.release = undefined;
}

async function openLane(lane: Lane, job: MailboxJob): Promise<{ src: DataSession; dst: DataSession }> {
  if (!lane.src || !lane.dst) lane.release ??= await job.reserveLane?.();
  lane.src ??= await job.dataSource();
  lane.dst ??= await job.dataDest();
  return { src: lane.src, dst: lane.dst };
}

/**
 * The scan, under the first lane's reservation: folders over the general sessions, then (those
 * closed) the messages over the lane's own source session, which the copy then goes on using.
 */
async function scan(job: MailboxJob, report: MailboxReport, first: Lane): Promise<{ work: FolderWork[]; quota: { usedBytes: number; limitBytes: number } | null }> {
  let src: ImapEndpoint | undefined;
  let dst: ImapEndpoint | undefined;
  let plans: FolderPlan[];
  let quota: { usedBytes: number; limitBytes: number } | null;
  try {
    src = await job.connectSource();
    dst = await job.connectDest();
    plans = await planFolders(src, dst, job.options, report);
    quota = await dst.quota().catch(() => null);
  } finally {
    await Promise.all([src?.close(), dst?.close()]);
  }
  first.src ??= await job.dataSource();
  return { work: await scanFolders(first.src, plans, job.map, job.options, report), quota };
}

export function statusOf(report: MailboxReport): RunStatus {
  if (report.error) return 'failure';
  const bad = report.folders.some((f) => f.failed > 0 || f.error !== undefined);
  return bad ? 'partial' : 'success';
}

export async function copyMailbox(job: MailboxJob): Promise<MailboxReport> {
  const started = Date.now();
  const report: MailboxReport = { source: job.source, destination: job.destination, status: 'failure', folders: [], excluded: [], warnings: [], durationMs: 0 };
  const lanes: Lane[] = [];
  try {
    const first: Lane = {};
    lanes.push(first);
    first.release = await job.reserveLane?.();
    const { work, quota } = await scan(job, report, first);
    const folders = work.map((w) => ({ source: w.source, messages: w.todo.length, bytes: w.todo.reduce((s, m) => s + m.size, 0) }));
    const todoBytes = folders.reduce((n, f) => n + f.bytes, 0);
    const todoMessages = folders.reduce((n, f) => n + f.messages, 0);
    quotaCheck(quota, todoBytes, job, report);
    job.options.onEvent?.({ type: 'planned', messages: todoMessages, bytes: todoBytes, folders });
    const queue = [...work].sort((a, b) => b.report.bytes - a.report.bytes);
    // A lane costs two logins and TLS handshakes: small mailboxes get fewer (a batch of many
    // small ones is parallel across mailboxes anyway).
    const worth = Math.ceil(todoBytes / LANE_BYTES);
    const count = Math.max(1, Math.min(job.options.lanes ?? 4, queue.length, worth));
    for (let i = 1; i < count; i++) lanes.push({});
    const ctx = { map: job.map, options: job.options };
    await Promise.all(lanes.map(async (lane) => {
      for (let w = queue.shift(); w; w = queue.shift()) await runFolder(lane, w, job, { ...ctx, failedThisRun: new Set() });
    }));
  } catch (err) {
    report.error = { code: codeOf(err), message: messageOf(err) };
  } finally {
    await Promise.all(lanes.map(closeLane));
  }
  for (const f of report.folders) {
    if (f.rematched === 0) continue;
    const message = `${f.source}: the source folder was renumbered (UIDVALIDITY changed) since an earlier run; ${f.rematched} messages already in ${f.destination} were recognised by content and not copied again`;
    report.warnings.push({ code: 'FOLDER_CHANGED', message });
    job.options.onEvent?.({ type: 'warning', code: 'FOLDER_CHANGED', message });
  }
  report.status = statusOf(report);
  report.durationMs = Date.now() - started;
  return report;
}

function quotaCheck(q: { usedBytes: number; limitBytes: number } | null, todoBytes: number, job: MailboxJob, report: MailboxReport): void {
  if (!q || q.limitBytes - q.usedBytes >= todoBytes) return;
  const message = `${todoBytes} bytes to copy, ${Math.max(0, q.limitBytes - q.usedBytes)} free of ${q.limitBytes}`;
  report.warnings.push({ code: 'QUOTA_INSUFFICIENT', message });
  job.options.onEvent?.({ type: 'warning', code: 'QUOTA_INSUFFICIENT', message });
}

/** Copies and verifies one folder, reconnecting the lane on retryable failures. */
async function runFolder(lane: Lane, work: FolderWork, job: MailboxJob, ctx: FolderContext): Promise<void> {
  const retries = job.options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      const { src, dst } = await openLane(lane, job);
      await copyFolder(src, dst, work, ctx);
      if (job.options.verify !== false) await verifyFolder(dst, work, job.map, job.options);
      job.options.onEvent?.({ type: 'folder-done', folder: work.report });
      return;
    } catch (err) {
      job.options.signal?.throwIfAborted();
      const code = codeOf(err);
      if (code === 'AUTH_FAILED' || code === 'TLS_FAILED' || code === 'INTERNAL') throw err;
      if (!RETRYABLE.has(code) || attempt >= retries) {
        work.report.error = { code, message: messageOf(err) };
        // The lane may be mid-command: start the next folder on fresh sessions.
        await closeLane(lane);
        if (RETRYABLE.has(code)) throw err;
        return;
      }
      const delayMs = backoffDelay(attempt + 1, job.options.backoffMs ?? 1000);
      job.options.onEvent?.({ type: 'retry', folder: work.source, attempt: attempt + 1, delayMs, reason: code });
      await closeLane(lane);
      await sleep(delayMs, job.options.signal);
    }
  }
}
