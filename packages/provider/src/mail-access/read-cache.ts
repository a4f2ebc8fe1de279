/**
 * Caches for reading messages over IMAP. Both are safe without invalidation because what they
 * hold never changes: a (folder, UID) pair names one message forever (UIDs are never reused,
 * RFC 3501 §2.3.1.1), and a blob id is the SHA-256 of its bytes.
 *
 * - {@link BlobLocator}, per session: (folder, UID) → blob id, filled from the metadata every
 *   FETCH and SEARCH reads anyway, so reading a message needs no second query.
 * - {@link HeaderCache}, shared by all sessions of the process: the header bytes of recently
 *   read messages, so repeated header searches and ENVELOPE fetches do not touch the disk.
 */

/** Bounded map from `folder:uid` to blob id; the oldest entries go first. */
export class BlobLocator {
  readonly #map = new Map<string, string>();
  constructor(private readonly max = 200_000) {}

  remember(folderId: number, uid: number, blobId: string): void {
    const key = `${folderId}:${uid}`;
    if (this.#map.has(key)) return;
    this.#map.set(key, blobId);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value!);
  }

  find(folderId: number, uid: number): string | undefined {
    return this.#map.get(`${folderId}:${uid}`);
  }
}

/** Least-recently-used header bytes by blob id, bounded by total size. */
export class HeaderCache {
  readonly #map = new Map<string, Uint8Array>();
  #bytes = 0;
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(blobId: string): Uint8Array | undefined {
    const v = this.#map.get(blobId);
    if (v === undefined) return undefined;
    this.#map.delete(blobId);
    this.#map.set(blobId, v);
    return v;
  }

  /** `header` must own its memory (not a slice of a larger buffer). */
  set(blobId: string, header: Uint8Array): void {
    if (header.length > this.maxBytes / 64 || this.#map.has(blobId)) return;
    this.#map.set(blobId, header);
    this.#bytes += header.length;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= v.length;
    }
  }
}
