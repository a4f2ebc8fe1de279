/**
 * Verification after the copy: every message copied and not yet verified (with `reverify`,
 * every copy) is read back from the destination (UID FETCH BODY.PEEK[], so \Seen is untouched)
 * and its sha256, taken as the bytes arrive (they are not kept), compared with the source's.
 * PEC envelopes and receipts (X-Trasporto / X-Ricevuta), the only ones kept whole, are also
 * inspected by the core: the signature must still check over the copied bytes.
 */
import type { DataSession } from '../imap/raw/data-session.ts';
import { chunkBySize, READ_BYTES, READ_COUNT } from './chunks.ts';
import type { FolderWork } from './copy-folder.ts';
import type { CopyOptions, JobEntry, JobMap } from './types.ts';

/** How much of the header we look at to tell a PEC message (headers come first). */
const HEADER_PROBE = 64 * 1024;

/**
 * Whether the header section names a PEC kind (digest §3: X-Trasporto, X-Ricevuta). Runs for
 * every copy: only the header is decoded, found in the bytes first.
 */
export function looksLikePec(bytes: Uint8Array): boolean {
  const probe = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEADER_PROBE));
  const crlf = probe.indexOf('\r\n\r\n');
  const lf = crlf < 0 ? probe.indexOf('\n\n') : -1;
  const end = crlf >= 0 ? crlf : lf >= 0 ? lf : probe.length;
  return /^x-(trasporto|ricevuta)[ \t]*:/im.test(probe.subarray(0, end).toString('latin1'));
}

/**
 * The sweep at the end of a folder: every copy not yet verified (copies of this run were
 * mostly verified batch by batch, see copy-folder.ts; the rest come from interrupted runs),
 * and with `reverify` the verified ones again.
 */
export async function verifyFolder(dst: DataSession, work: FolderWork, map: JobMap, options: CopyOptions): Promise<void> {
  const entries = await map.entries(work.source, work.uidValidity, 'copied');
  if (options.reverify) entries.push(...await map.entries(work.source, work.uidValidity, 'verified'));
  await verifyEntries(dst, work, entries, map, options);
  work.report.verified = (await map.entries(work.source, work.uidValidity, 'verified')).length;
}

/** Reads the given copies back and records each as verified, or failed with the reason. */
export async function verifyEntries(dst: DataSession, work: FolderWork, entries: readonly JobEntry[], map: JobMap, options: CopyOptions): Promise<void> {
  const report = work.report;
  const byDestUid = new Map(entries.filter((e) => e.destUid !== null).map((e) => [e.destUid!, e]));
  const uids = [...byDestUid.keys()].sort((a, b) => a - b);
  const ok: number[] = [];
  const seen = new Set<number>();
  for (const part of chunkBySize(uids, (u) => byDestUid.get(u)!.size, READ_COUNT, READ_BYTES)) {
    for await (const { uid, digest } of dst.fetchDigests(work.dest, part, looksLikePec)) {
      const e = byDestUid.get(uid);
      if (!e || seen.has(uid)) continue;
      seen.add(uid);
      if (digest.size !== e.size || digest.sha256 !== e.sha256) {
        await map.markFailed(work.source, work.uidValidity, e.sourceUid, `VERIFY_MISMATCH: destination UID ${uid} differs from the source`);
        report.failed++;
        report.errors.push({ uid: e.sourceUid, code: 'VERIFY_MISMATCH', reason: `destination UID ${uid} differs from the source bytes` });
        continue;
      }
      ok.push(e.sourceUid);
      if (digest.whole) {
        report.pecChecked++;
        // Loaded on the first PEC message: most runs start faster without the signature stack.
        const { inspectMessage } = await import('@recapito/core');
        const inspection = await inspectMessage(digest.whole, { at: new Date(), ...(options.trustAnchorsPem ? { trustAnchorsPem: options.trustAnchorsPem } : {}) });
        if (inspection.signature.status === 'valid') report.pecIntact++;
      }
    }
  }
  for (const e of entries) {
    if (e.destUid === null || seen.has(e.destUid)) continue;
    await map.markFailed(work.source, work.uidValidity, e.sourceUid, `VERIFY_MISSING: destination UID ${e.destUid} is gone`);
    report.failed++;
    report.errors.push({ uid: e.sourceUid, code: 'VERIFY_MISSING', reason: `destination UID ${e.destUid} is no longer in ${work.dest}` });
  }
  await map.markVerified(work.source, work.uidValidity, ok);
}
