/**
 * Reads the bytes of several messages at once, in order, within a memory budget: SEARCH and
 * FETCH over many messages wait for the disk once per window instead of once per message.
 */

/** At most this many reads in flight, and at most this many bytes held by one window. */
export const READ_AHEAD = { maxCount: 16, maxBytes: 16 * 1024 * 1024 };

/**
 * Yields each item with its bytes (or the error reading them), in the order given. `cost` is
 * what an item's read will hold in memory (its size, or less for a header read).
 */
export async function* readAhead<T>(items: readonly T[], read: (item: T) => Promise<Uint8Array>,
  cost: (item: T) => number): AsyncGenerator<[T, Uint8Array | Error]> {
  let i = 0;
  while (i < items.length) {
    const window: T[] = [];
    let bytes = 0;
    while (i < items.length && window.length < READ_AHEAD.maxCount && (window.length === 0 || bytes + cost(items[i]!) <= READ_AHEAD.maxBytes)) {
      bytes += cost(items[i]!);
      window.push(items[i++]!);
    }
    const results = await Promise.allSettled(window.map((item) => read(item)));
    for (let k = 0; k < window.length; k++) {
      const r = results[k]!;
      yield [window[k]!, r.status === 'fulfilled' ? r.value : (r.reason instanceof Error ? r.reason : new Error(String(r.reason)))];
    }
  }
}
