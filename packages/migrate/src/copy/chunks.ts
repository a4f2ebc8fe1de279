/** Splitting work into commands of bounded size. */

/**
 * Consecutive runs of at most `maxCount` items and `maxBytes` bytes (a bigger item alone): what
 * one command may carry, so that memory stays bounded whatever the message sizes.
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (t: T) => number, maxCount: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const size = sizeOf(it);
    if (cur.length > 0 && (cur.length >= maxCount || bytes + size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Messages read back per UID FETCH (verification, locating our own APPENDs). */
export const READ_COUNT = 500;
export const READ_BYTES = 32 * 1024 * 1024;
