/**
 * The mailbox operations of the copy's data path over a {@link RawSession}: EXAMINE/SELECT,
 * whole messages by UID (BODY.PEEK[], RFC 3501 §6.4.5: reading never sets \Seen), sizes by UID,
 * and APPEND with flags and INTERNALDATE (§6.3.11) whose calls may overlap (pipelining).
 */
import { encodeMutf7 } from '@recapito/imap/mutf7';
import { MigrateError } from '../../errors.ts';
import type { Endpoint } from '../../endpoint.ts';
import type { OpenOptions } from '../connect.ts';
import type { AppendResult, MailboxState, SourceMessage } from '../endpoint.ts';
import { sequenceSet } from '../wire.ts';
import { DigestSink } from './digest-sink.ts';
import { FetchMetaCollector } from './fetch-meta.ts';
import { imapDate, Preallocated, quoted, type Digested, type LiteralValue, type RawResponse, type SinkFor } from './reader.ts';
import { Literal, RawSession } from './session.ts';

export interface AppendItem { readonly bytes: Uint8Array; readonly flags: readonly string[]; readonly internalDate: Date }

interface Selected { folder: string; readOnly: boolean; state: MailboxState; permanentFlags: Set<string> | null }

/** A flag or keyword that can be sent as an atom (RFC 3501 §9 flag). */
const FLAG = /^\\?[^\s(){%*"\\\]]{1,200}$/;
/** Printable US-ASCII only: no controls, no 8-bit. */
const PRINTABLE = /^[!-~]+$/;

const mailbox = (name: string): string => quoted(encodeMutf7(name));

export class DataSession {
  readonly #raw: RawSession;
  #selected: Selected | null = null;

  private constructor(raw: RawSession) {
    this.#raw = raw;
  }

  static async open(e: Endpoint, password: string, opts: OpenOptions = {}): Promise<DataSession> {
    return new DataSession(await RawSession.open(e, password, opts));
  }

  capabilities(): Set<string> {
    return this.#raw.capabilities();
  }

  appendLimit(): number | null {
    return this.#raw.appendLimit();
  }

  examine(folder: string): Promise<MailboxState> {
    return this.#open(folder, true);
  }

  select(folder: string): Promise<MailboxState> {
    return this.#open(folder, false);
  }

  async #open(folder: string, readOnly: boolean): Promise<MailboxState> {
    const st = { uidValidity: 0, uidNext: 0, exists: 0 };
    let permanent: Set<string> | null = null;
    await this.#raw.run([`${readOnly ? 'EXAMINE' : 'SELECT'} ${mailbox(folder)}`], `${readOnly ? 'EXAMINE' : 'SELECT'} ${folder}`, (r) => {
      const line = r.lines[0] ?? '';
      let m: RegExpExecArray | null;
      if ((m = /^\* (\d+) EXISTS/i.exec(line))) st.exists = Number(m[1]);
      else if ((m = /\[UIDVALIDITY (\d+)\]/i.exec(line))) st.uidValidity = Number(m[1]);
      else if ((m = /\[UIDNEXT (\d+)\]/i.exec(line))) st.uidNext = Number(m[1]);
      else if ((m = /\[PERMANENTFLAGS \(([^)]*)\)\]/i.exec(line))) permanent = new Set(m[1]!.split(' ').filter(Boolean).map((f) => f.toLowerCase()));
    });
    this.#selected = { folder, readOnly, state: st, permanentFlags: permanent };
    return st;
  }

  /** Opens `folder` read-only unless it is already open in any mode. */
  async #ensure(folder: string): Promise<void> {
    if (this.#selected?.folder !== folder) await this.#open(folder, true);
  }

  /** Whole messages by UID, one UID FETCH; a UID that is gone is simply not yielded. */
  async *fetchRawMany(folder: string, uids: readonly number[], into?: (size: number) => Buffer | null): AsyncGenerator<{ uid: number; bytes: Uint8Array }> {
    // `into` may lend the memory of a literal (see copy/slabs.ts); otherwise it is allocated.
    const sinkFor = into ? (size: number) => { const b = into(size); return b ? new Preallocated(b) : null; } : undefined;
    for (const { uid, body } of await this.#fetchBodies(folder, uids, sinkFor)) yield { uid, bytes: body as Buffer };
  }

  /**
   * Size and sha256 of whole messages by UID, taken as they arrive (nothing is kept, see
   * digest-sink.ts); `whole` holds the bytes of the messages whose start `keepWhole` accepts.
   */
  async *fetchDigests(folder: string, uids: readonly number[], keepWhole: (head: Buffer) => boolean): AsyncGenerator<{ uid: number; digest: Digested }> {
    for (const { uid, body } of await this.#fetchBodies(folder, uids, (size) => new DigestSink(size, keepWhole))) {
      // Only an empty body (`""`, no literal) arrives without going through the sink.
      yield { uid, digest: Buffer.isBuffer(body) ? new DigestSink(0, keepWhole).end() : body };
    }
  }

  /** One UID FETCH BODY.PEEK[] of `uids`, each body through `sinkFor`; UIDs not asked for are ignored. */
  async #fetchBodies(folder: string, uids: readonly number[], sinkFor?: SinkFor): Promise<{ uid: number; body: LiteralValue }[]> {
    if (uids.length === 0) return [];
    await this.#ensure(folder);
    const wanted = new Set(uids);
    const got: { uid: number; body: LiteralValue }[] = [];
    await this.#raw.run([`UID FETCH ${sequenceSet(uids)} (UID BODY.PEEK[])`], `UID FETCH ${folder}`, (r) => {
      const m = fetchBody(r);
      if (m && wanted.has(m.uid)) got.push(m);
    }, sinkFor);
    return got;
  }

  /**
   * Flags, INTERNALDATE and size of every message of `folder` (the scan), by UID ascending, in
   * one UID FETCH; the Message-ID is not asked (the copy reads it from the bytes).
   */
  async listMessages(folder: string): Promise<SourceMessage[]> {
    await this.#ensure(folder);
    if (this.#selected!.state.exists === 0) return [];
    const meta = new FetchMetaCollector();
    await this.#raw.run(['UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)'], `UID FETCH ${folder}`, (r) => meta.take(r.lines.join(' ')));
    return meta.messages(folder);
  }

  /** UID and RFC822.SIZE of the messages with UID ≥ `fromUid`. */
  async sizesFrom(folder: string, fromUid: number): Promise<{ uid: number; size: number }[]> {
    await this.#ensure(folder);
    const out: { uid: number; size: number }[] = [];
    await this.#raw.run([`UID FETCH ${Math.max(1, fromUid)}:* (UID RFC822.SIZE)`], `UID FETCH ${folder}`, (r) => {
      const text = r.lines.join(' ');
      const uid = /\bUID (\d+)/i.exec(text);
      const size = /\bRFC822\.SIZE (\d+)/i.exec(text);
      if (/^\* \d+ FETCH/i.test(text) && uid && size && Number(uid[1]) >= fromUid) out.push({ uid: Number(uid[1]), size: Number(size[1]) });
    });
    return out.sort((a, b) => a.uid - b.uid);
  }

  /**
   * APPEND of one message, or of several in one command (MULTIAPPEND, RFC 3502: all or none)
   * when the server offers it; calls may overlap, the server handles them in order (UIDs
   * ascending). Flags the selected destination folder cannot keep (PERMANENTFLAGS without \*)
   * are not sent. Results in the order given.
   */
  async append(folder: string, items: readonly AppendItem[]): Promise<AppendResult[]> {
    if (items.length > 1 && !this.capabilities().has('MULTIAPPEND')) throw new MigrateError('IMAP_COMMAND_FAILED', 'MULTIAPPEND is not offered');
    const sel = this.#selected?.folder === folder ? this.#selected : null;
    const permanent = sel?.permanentFlags ?? null;
    const keep = (f: string): boolean => FLAG.test(f) && PRINTABLE.test(f) && f.toLowerCase() !== '\\recent' && (!permanent || permanent.has('\\*') || permanent.has(f.toLowerCase()));
    const parts: (string | Literal)[] = [`APPEND ${mailbox(folder)}`];
    const dropped: string[][] = [];
    for (const it of items) {
      const sent = it.flags.filter(keep);
      dropped.push(it.flags.filter((f) => !sent.includes(f)));
      parts.push(` (${sent.join(' ')}) ${imapDate(it.internalDate)} `, new Literal(it.bytes));
    }
    const t = await this.#raw.run(parts, `APPEND ${folder}`);
    const m = t.code === 'APPENDUID' ? /^(\d+) ([\d:,]+)$/.exec(t.codeArgs.trim()) : null;
    const uids = m ? expandUidSet(m[2]!) : [];
    // A set that does not match the messages one to one tells nothing reliable.
    const known = uids.length === items.length;
    return items.map((_, i) => ({ uid: known ? uids[i]! : null, uidValidity: m && known ? Number(m[1]) : null, droppedFlags: dropped[i]! }));
  }

  close(): Promise<void> {
    return this.#raw.close();
  }
}

/** `3:5,9` → [3, 4, 5, 9] (RFC 4315 uid-set, ascending as the server assigned them). */
function expandUidSet(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b] = part.split(':').map(Number);
    if (!a || (b !== undefined && !b)) return [];
    const lo = Math.min(a, b ?? a);
    const hi = Math.max(a, b ?? a);
    if (hi - lo > 100_000) return [];
    for (let u = lo; u <= hi; u++) out.push(u);
  }
  return out;
}

/** `* n FETCH (... UID u ... BODY[] {size}<literal> ...)`: the UID and the body literal. */
function fetchBody(r: RawResponse): { uid: number; body: LiteralValue } | null {
  if (!/^\* \d+ FETCH /i.test(r.lines[0] ?? '')) return null;
  const text = r.lines.join('\n');
  const uid = /\bUID (\d+)/i.exec(text);
  if (!uid) return null;
  // The body is the literal announced right after BODY[]; count the literals before it.
  const at = r.lines.findIndex((l) => /BODY\[\] \{\d+\}$/i.test(l));
  if (at >= 0) {
    const index = r.lines.slice(0, at).filter((l) => /\{\d+\}$/.test(l)).length;
    const body = r.literals[index];
    return body ? { uid: Number(uid[1]), body } : null;
  }
  if (/BODY\[\] ""/i.test(text)) return { uid: Number(uid[1]), body: Buffer.alloc(0) };
  if (/BODY\[\] NIL/i.test(text)) throw new MigrateError('MESSAGE_NOT_FOUND', `UID ${uid[1]}: the server returned no body`);
  return null;
}
