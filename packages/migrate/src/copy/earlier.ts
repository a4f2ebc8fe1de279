/**
 * A source folder renumbered since the last run (its UIDVALIDITY changed, RFC 3501 §2.3.1.1:
 * e.g. the old provider rebuilt its index) is new to the identity map, which is keyed by
 * UIDVALIDITY. Appending its messages again would put a second copy of each in the destination,
 * and software polling it would process them twice. So the copies made under an earlier
 * UIDVALIDITY of the same folder, into the same destination folder at the same destination
 * UIDVALIDITY, are matched by content (sha256 and size) as a multiset: each existing copy
 * stands for one source message, so true duplicates keep their count. A matched message is
 * recorded as copied to that copy (and verified like any other); only the rest is appended.
 */
import type { FolderWork } from './copy-folder.ts';
import type { JobEntry, JobMap } from './types.ts';

const key = (sha256: string, size: number): string => `${sha256}:${size}`;

export class EarlierCopies {
  readonly #byContent: Map<string, JobEntry[]>;

  private constructor(byContent: Map<string, JobEntry[]>) {
    this.#byContent = byContent;
  }

  /** The unclaimed copies of earlier numberings of the folder, or null when there are none. */
  static async load(map: JobMap, work: FolderWork, destUidValidity: number): Promise<EarlierCopies | null> {
    const earlier = (await map.uidValidities(work.source)).filter((v) => v !== work.uidValidity);
    if (earlier.length === 0) return null;
    // Copies this numbering already stands for, whatever their state, are not offered again.
    const taken = new Set<number>();
    for (const state of ['pending', 'copied', 'verified', 'failed'] as const) {
      for (const e of await map.entries(work.source, work.uidValidity, state)) if (e.destUid !== null) taken.add(e.destUid);
    }
    const byContent = new Map<string, JobEntry[]>();
    // Newest numbering first: after two renumberings, its entries name the same copies as older ones.
    for (const v of earlier.reverse()) {
      for (const state of ['copied', 'verified'] as const) {
        for (const e of await map.entries(work.source, v, state)) {
          if (e.destFolder !== work.dest || e.destUidValidity !== destUidValidity || e.destUid === null || taken.has(e.destUid)) continue;
          taken.add(e.destUid);
          const k = key(e.sha256, e.size);
          const list = byContent.get(k);
          if (list) list.push(e);
          else byContent.set(k, [e]);
        }
      }
    }
    return byContent.size > 0 ? new EarlierCopies(byContent) : null;
  }

  /** An existing copy of these bytes, taken for good (it stands for one source message). */
  claim(sha256: string, size: number): JobEntry | undefined {
    return this.#byContent.get(key(sha256, size))?.shift();
  }
}
