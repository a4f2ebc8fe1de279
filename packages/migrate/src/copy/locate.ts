/**
 * Finds our own APPENDs in a destination folder when their UIDs are not known: after a crash
 * between an APPEND and its record (the write-ahead `pending` entries), and always on a server
 * without UIDPLUS (RFC 4315), which does not say which UID an APPEND got.
 *
 * Why this is exact: within a job, each destination folder has one writer at a time (one lane),
 * so everything we appended and did not record has a UID above the highest one recorded. Among
 * those messages (others may be new mail delivered meanwhile), only the ones of a pending size
 * are read, and they are matched by sha256 as a multiset: two identical pending messages need
 * two identical destination messages, so true duplicates are neither lost nor doubled.
 */
import type { DataSession } from '../imap/raw/data-session.ts';
import { chunkBySize, READ_BYTES, READ_COUNT } from './chunks.ts';
import type { JobEntry, JobMap } from './types.ts';

export interface Located {
  /** The entries found, as `copied` with their destination UID. */
  readonly found: JobEntry[];
  /** The entries whose APPEND left nothing in the destination. */
  readonly missing: JobEntry[];
}

export async function locateAppended(
  dst: DataSession, map: JobMap, destFolder: string, destUidValidity: number, unknown: readonly JobEntry[],
): Promise<Located> {
  if (unknown.length === 0) return { found: [], missing: [] };
  const above = await map.maxDestUid(destFolder, destUidValidity);
  const candidates = await dst.sizesFrom(destFolder, above + 1);
  const sizes = new Set(unknown.map((e) => e.size));
  const toRead = candidates.filter((c) => sizes.has(c.size));
  const waiting = new Map<string, JobEntry[]>();
  for (const e of [...unknown].sort((a, b) => a.sourceUid - b.sourceUid)) {
    const k = `${e.sha256}:${e.size}`;
    const list = waiting.get(k);
    if (list) list.push(e);
    else waiting.set(k, [e]);
  }
  const found: JobEntry[] = [];
  const read: { uid: number; key: string }[] = [];
  for (const part of chunkBySize(toRead, (c) => c.size, READ_COUNT, READ_BYTES)) {
    // Hashed as they arrive: nothing of the candidates is kept.
    for await (const { uid, digest } of dst.fetchDigests(destFolder, part.map((c) => c.uid), () => false)) read.push({ uid, key: `${digest.sha256}:${digest.size}` });
  }
  // Lowest destination UID to lowest source UID: the order in which they were appended.
  for (const r of read.sort((a, b) => a.uid - b.uid)) {
    const e = waiting.get(r.key)?.shift();
    if (e) found.push({ ...e, destUid: r.uid, destUidValidity, state: 'copied', error: null });
  }
  const missing = [...waiting.values()].flat();
  return { found, missing };
}
