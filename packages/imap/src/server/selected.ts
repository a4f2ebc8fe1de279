/**
 * The session's view of its selected folder (RFC 3501 §2.3.1.2): the UIDs in message-sequence
 * order, and the mod-sequence up to which it has told the client about changes. Other sessions
 * (in this process or another) change the folder under it; `refresh` turns what the store
 * reports after that mod-sequence into untagged EXISTS, EXPUNGE and FETCH responses.
 *
 * Memory is one number per message (a 100,000-message folder costs under 1 MB per session):
 * flags and sizes are read from the store per command, never cached here.
 */
import type { SeqRange, SequenceSet } from '../protocol/types.ts';
import type { WireValue } from '../protocol/writer.ts';
import type { ImapAccount, ImapFolder, ImapMessage } from './types.ts';

export class SelectedFolder {
  folder: ImapFolder;
  readonly readOnly: boolean;
  /** UIDs ascending; index + 1 is the message sequence number. */
  uids: number[];
  /** Highest mod-sequence the client has been told about. */
  modseq: number;
  /** Modseqs of this session's own STORE results, not to be echoed back as updates. */
  readonly #own = new Map<number, number>();

  constructor(folder: ImapFolder, uids: number[], readOnly: boolean) {
    this.folder = folder;
    this.uids = uids;
    this.readOnly = readOnly;
    this.modseq = folder.highestModseq;
  }

  get exists(): number {
    return this.uids.length;
  }

  get maxUid(): number {
    return this.uids.length ? this.uids[this.uids.length - 1]! : 0;
  }

  /** Sequence number of a UID, or 0 (binary search). */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * The UIDs a set designates, ascending, without duplicates. RFC 3501 §6.4.8: in UID sets a
   * range may name UIDs that do not exist, and `*` is the highest UID in use (so `n:*` always
   * includes the last message); in sequence sets every number must exist.
   */
  resolve(set: SequenceSet, uid: boolean): number[] | 'invalid' {
    const out = new Set<number>();
    const max = uid ? this.maxUid : this.uids.length;
    for (const r of set) {
      let [a, b] = bounds(r, max);
      if (a > b) [a, b] = [b, a];
      if (uid) {
        if (this.uids.length === 0) continue;
        let i = lowerBound(this.uids, a);
        for (; i < this.uids.length && this.uids[i]! <= b; i++) out.add(this.uids[i]!);
      } else {
        if (a < 1 || b > this.uids.length) return 'invalid';
        for (let s = a; s <= b; s++) out.add(this.uids[s - 1]!);
      }
    }
    return [...out].sort((x, y) => x - y);
  }

  /** Marks this session's own flag changes, so the next refresh does not repeat them. */
  noteOwn(changed: readonly ImapMessage[]): void {
    for (const m of changed) this.#own.set(m.uid, m.modseq);
  }

  /**
   * Reads the changes after `modseq` and returns the untagged responses that tell the client.
   * `allowExpunge` is false during FETCH, STORE and SEARCH (RFC 3501 §7.4.1): expunges then
   * wait for a later command, and nothing after them is reported either.
   */
  async refresh(account: ImapAccount, opts: { allowExpunge: boolean; condstore: boolean }): Promise<WireValue[][]> {
    const ch = await account.changesSince(this.folder.id, this.modseq);
    const out: WireValue[][] = [];
    const gone = ch.expunged.filter((u) => this.seqOf(u) > 0);
    if (gone.length && !opts.allowExpunge) return out;
    for (const uid of gone) {
      const seq = this.seqOf(uid);
      if (seq === 0) continue;
      this.uids.splice(seq - 1, 1);
      out.push([seq, { atom: 'EXPUNGE' }]);
    }
    const before = this.uids.length;
    const fresh: number[] = [];
    for (const m of ch.changed) if (m.uid > this.maxUid) fresh.push(m.uid);
    fresh.sort((a, b) => a - b);
    for (const uid of fresh) if (uid > this.maxUid) this.uids.push(uid);
    if (this.uids.length !== before) out.push([this.uids.length, { atom: 'EXISTS' }]);
    for (const m of ch.changed) {
      const seq = this.seqOf(m.uid);
      if (seq === 0 || seq > before) continue;
      if (this.#own.get(m.uid) === m.modseq) continue;
      const items: WireValue[] = [{ atom: 'UID' }, m.uid, { atom: 'FLAGS' }, m.flags.map((atom) => ({ atom }))];
      if (opts.condstore) items.push({ atom: 'MODSEQ' }, [m.modseq]);
      out.push([seq, { atom: 'FETCH' }, items]);
    }
    this.#own.clear();
    this.folder = ch.folder;
    this.modseq = Math.max(this.modseq, ch.folder.highestModseq);
    return out;
  }
}

function bounds(r: SeqRange, max: number): [number, number] {
  const v = (n: number | '*'): number => (n === '*' ? max : n);
  return [v(r.start), v(r.end)];
}

function lowerBound(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compresses ascending numbers into a sequence set (for COPYUID, MODIFIED, SEARCH results). */
export function toSequenceSet(nums: readonly number[]): SequenceSet {
  const out: SequenceSet = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && typeof last.end === 'number' && n === last.end + 1) last.end = n;
    else out.push({ start: n, end: n });
  }
  return out;
}
