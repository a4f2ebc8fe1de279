/**
 * A small least-recently-used map. The S/MIME caches hold parsed certificates and chain
 * analyses for every signature received; the bound keeps a stream of distinct certificates
 * (anyone may send them) from growing memory, while the few a provider sees daily stay warm.
 */

/** A Map bounded to `capacity` entries that evicts the least recently used one. */
export class LruCache<K, V> {
  // Map iterates in insertion order: re-inserting on use keeps the oldest entry first.
  readonly #entries = new Map<K, V>();

  /** @param capacity the most entries kept (at least 1). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU capacity must be a positive integer, not ${capacity}`);
  }

  /** The value of `key`, which becomes the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Whether `key` is present, without changing its recency. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
