/**
 * Parsed message headers shared by every session of a listener: header searches and ENVELOPE
 * fetches over the same folder by many clients parse each header once. The key is folder id,
 * UIDVALIDITY and UID, which name one message forever (RFC 3501 §2.3.1.1: a UID is never
 * reused within a UIDVALIDITY, and a recreated folder gets a new UIDVALIDITY), so nothing
 * needs invalidating. Bounded by an estimate of the memory held (least recently used go first).
 */
import type { MessageView } from '../message/index.ts';

/** What a parsed header holds, per byte of header (measured: about 5.5 once searched and enveloped). */
const OVERHEAD = 6;

export class ViewCache {
  readonly #map = new Map<string, { view: MessageView; cost: number }>();
  /** Loads in progress: sessions asking for the same header at once share one read and parse. */
  readonly #loading = new Map<string, Promise<MessageView>>();
  #bytes = 0;
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  static key(folderId: number, uidValidity: number, uid: number): string {
    return `${folderId}:${uidValidity}:${uid}`;
  }

  get(key: string): MessageView | undefined {
    const e = this.#map.get(key);
    if (!e) return undefined;
    this.#map.delete(key);
    this.#map.set(key, e);
    return e.view;
  }

  /** The cached view, or the one being loaded, or a new load by `loader` (cached when done). */
  load(key: string, loader: () => Promise<MessageView>): Promise<MessageView> {
    const hit = this.get(key);
    if (hit) return Promise.resolve(hit);
    let pending = this.#loading.get(key);
    if (!pending) {
      pending = loader().then((view) => {
        this.set(key, view, view.size);
        return view;
      }).finally(() => this.#loading.delete(key));
      this.#loading.set(key, pending);
    }
    return pending;
  }

  set(key: string, view: MessageView, headerBytes: number): void {
    const cost = headerBytes * OVERHEAD + 256;
    if (cost > this.maxBytes / 64 || this.#map.has(key)) return;
    this.#map.set(key, { view, cost });
    this.#bytes += cost;
    for (const [k, e] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= e.cost;
    }
  }
}
