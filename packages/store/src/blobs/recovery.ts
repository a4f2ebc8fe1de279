/**
 * Cleanup of temporary files left by writers that died mid-write (a crash, SIGKILL, power
 * loss). A temporary file never carries a blob's final name, so nothing partial is ever
 * visible; this only reclaims space.
 *
 * Scanning every `ab/cd` folder is costly on a large store, so each writing process leaves a
 * marker in `.writers/` while it may have temporary files, and removes it on close. The scan runs
 * only when a marker belongs to a process that is gone, and deletes only temporary files whose
 * writer is gone (or that are a day old), never those of a live process such as a running server
 * while the CLI opens the store. A file must also be older than a grace period: a writer in
 * another PID namespace (a container sharing the data volume) looks dead from here, and its
 * write in progress must not be pulled from under it; no put takes anywhere near that long.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const WRITERS_DIR = '.writers';
export const TEMP_PREFIX = '.tmp-';
const STALE_MS = 24 * 3600 * 1000;
/** Minimum age of a temporary file before it may be removed. */
export const TEMP_GRACE_MS = 60 * 1000;
const HEX2 = /^[0-9a-f]{2}$/;

/** Whether a process with this id exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `<prefix><pid>-<random>` → pid. */
function pidOf(name: string, prefix: string): number {
  return Number.parseInt(name.slice(prefix.length).split('-')[0] ?? '', 10);
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function unlinkQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    // Another process cleaning at the same time got there first.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Removes temporary files of dead writers under `root`; returns how many were removed. */
export async function removeDeadWriterTemps(root: string): Promise<number> {
  const markers = (await list(join(root, WRITERS_DIR))).filter((m) => !processAlive(pidOf(m, '')));
  if (markers.length === 0) return 0;
  let removed = 0;
  // Writers whose files are kept (too recent): their markers stay, so a later open looks again.
  const kept = new Set<number>();
  const now = Date.now();
  for (const a of (await list(root)).filter((n) => HEX2.test(n))) {
    for (const b of (await list(join(root, a))).filter((n) => HEX2.test(n))) {
      const dir = join(root, a, b);
      for (const f of (await list(dir)).filter((n) => n.startsWith(TEMP_PREFIX))) {
        const path = join(dir, f);
        const pid = pidOf(f, TEMP_PREFIX);
        const st = await stat(path).catch(() => undefined);
        if (st === undefined) continue;
        const age = now - st.mtimeMs;
        const stale = age > STALE_MS || (age > TEMP_GRACE_MS && !processAlive(pid));
        if (stale && (await unlinkQuietly(path))) removed++;
        else kept.add(pid);
      }
    }
  }
  for (const m of markers) {
    if (!kept.has(pidOf(m, ''))) await unlinkQuietly(join(root, WRITERS_DIR, m));
  }
  return removed;
}
