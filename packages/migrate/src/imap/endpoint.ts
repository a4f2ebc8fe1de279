/**
 * A typed IMAP mailbox for the migration engine, over one imapflow session. The source side only
 * EXAMINEs (RFC 3501 §6.3.2) and fetches with BODY.PEEK (§6.4.5), so reading never sets \Seen;
 * the destination side SELECTs and APPENDs with flags and INTERNALDATE (§6.3.11), and reads the
 * new UID from APPENDUID when the server has UIDPLUS (RFC 4315 §3).
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { MigrateError } from '../errors.ts';
import type { SourceFolder } from '../folders.ts';
import { commandError } from './failure.ts';
import { messageIdOf, sequenceSet } from './wire.ts';

/** Metadata of a source message; the bytes come from {@link ImapEndpoint.fetchRaw}. */
export interface SourceMessage {
  readonly uid: number;
  /** RFC822.SIZE. */
  readonly size: number;
  /** Persistent flags and keywords; \Recent is left out (session-bound, RFC 3501 §2.3.2). */
  readonly flags: string[];
  readonly internalDate: Date;
  /** Message-ID header, unfolded and trimmed; null when absent or empty. */
  readonly messageId: string | null;
}

export interface MailboxState { readonly uidValidity: number; readonly uidNext: number; readonly exists: number }
export interface FolderStatus { readonly messages: number; readonly uidNext: number; readonly uidValidity: number }
export interface AppendResult {
  /** From APPENDUID; null when the server lacks UIDPLUS. */
  readonly uid: number | null;
  readonly uidValidity: number | null;
  /** Flags not sent because the folder's PERMANENTFLAGS do not allow them (or \Recent). */
  readonly droppedFlags: string[];
}
export interface QuotaUsage { readonly usedBytes: number; readonly limitBytes: number }

/** UIDs per UID FETCH: keeps commands short and lets the caller act between batches. */
const BATCH = 1000;

export class ImapEndpoint {
  readonly #client: ImapFlow;

  constructor(client: ImapFlow) {
    this.#client = client;
  }

  /** The capabilities of the authenticated session, upper-case (RFC 3501 §7.2.1). */
  capabilities(): Set<string> {
    return new Set([...this.#client.capabilities.keys()].map((c) => c.toUpperCase()));
  }

  /** Whether the session is encrypted (always for imaps; for imap, when STARTTLS succeeded). */
  get secure(): boolean {
    return this.#client.secureConnection;
  }

  /** LOGOUT, or drop the socket when the server does not answer. */
  async close(): Promise<void> {
    try {
      await this.#client.logout();
    } catch {
      this.#client.close();
    }
  }

  /** LIST "" "*": names decoded from modified UTF-7 (RFC 3501 §5.1.3) by imapflow. */
  async listFolders(): Promise<SourceFolder[]> {
    const list = await this.#run('LIST', () => this.#client.list());
    return list.map((f) => {
      const attributes = [...f.flags];
      // imapflow also guesses uses from names; only uses the server declared count (RFC 6154).
      if (f.specialUse && f.specialUseSource === 'extension' && !attributes.includes(f.specialUse)) attributes.push(f.specialUse);
      return { name: f.path, delimiter: f.delimiter || null, attributes };
    });
  }

  /** EXAMINE: opens the folder read-only. */
  async examine(folder: string): Promise<MailboxState> {
    return this.#open(folder, true, true);
  }

  /** SELECT: opens the folder for writing. */
  async select(folder: string): Promise<MailboxState> {
    return this.#open(folder, false, true);
  }

  /** The folder's messages with UID ≥ `fromUid`, in UID order, metadata only. */
  /**
   * `messageId: false` leaves the header out: the server then answers from its index without
   * opening every message (the copy reads the Message-ID from the bytes it fetches anyway).
   */
  async *listMessages(folder: string, fromUid = 1, opts: { messageId?: boolean } = {}): AsyncGenerator<SourceMessage> {
    await this.#open(folder, true);
    // UID SEARCH first: `n:*` always matches the last message even when its UID is below n
    // (RFC 3501 §6.4.8), and UIDs may be sparse, so batches are built from real UIDs.
    const found = await this.#run(`UID SEARCH ${folder}`, () => this.#client.search(fromUid > 1 ? { uid: `${fromUid}:*` } : { all: true }, { uid: true }));
    if (found === false) throw new MigrateError('IMAP_COMMAND_FAILED', `UID SEARCH ${folder}`);
    const uids = [...new Set(found)].filter((u) => u >= fromUid).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; i += BATCH) {
      // Each batch is read completely before it is yielded: imapflow's fetch iterator holds
      // the connection, and the caller needs it for fetchRaw between messages.
      const batch = await this.#run(`UID FETCH ${folder}`, () => this.#client.fetchAll(sequenceSet(uids.slice(i, i + BATCH)), {
        uid: true, flags: true, internalDate: true, size: true, ...(opts.messageId === false ? {} : { headers: ['MESSAGE-ID'] }),
      }, { uid: true }));
      batch.sort((a, b) => a.uid - b.uid);
      for (const m of batch) yield toSourceMessage(m);
    }
  }

  /** The message exactly as stored, with UID FETCH BODY.PEEK[] on a read-only folder. */
  async fetchRaw(folder: string, uid: number): Promise<Uint8Array> {
    await this.#open(folder, true);
    const m = await this.#run(`UID FETCH ${uid} ${folder}`, () => this.#client.fetchOne(String(uid), { uid: true, source: true }, { uid: true }));
    if (!m || m.uid !== uid || !m.source) throw new MigrateError('MESSAGE_NOT_FOUND', `UID ${uid} in ${folder}`);
    return m.source;
  }

  /** CREATE; a folder that already exists is not an error. */
  async createFolder(name: string): Promise<void> {
    try {
      await this.#client.mailboxCreate(name);
    } catch (err) {
      // imapflow already swallows [ALREADYEXISTS] (RFC 5530); servers without response codes
      // answer a bare NO, so ask whether the folder is there before failing.
      const exists = await this.#client.status(name, { messages: true }).then(() => true, () => false);
      if (!exists) throw commandError(err, `CREATE ${name}`);
    }
  }

  /** APPEND with flags and INTERNALDATE; the folder is SELECTed first (see the note inside). */
  async append(folder: string, bytes: Uint8Array, flags: readonly string[], internalDate: Date): Promise<AppendResult> {
    // imapflow filters APPEND flags against the PERMANENTFLAGS of the *selected* folder: with
    // a read-only folder selected every flag would be dropped without a word. Selecting the
    // destination makes the filter right, and lets us report what the server cannot keep.
    await this.#open(folder, false);
    const permanent = this.#client.mailbox ? this.#client.mailbox.permanentFlags : undefined;
    const allowed = (f: string): boolean => !permanent || permanent.has('\\*') || permanent.has(f);
    const sent = flags.filter((f) => f.toLowerCase() !== '\\recent' && allowed(f));
    const droppedFlags = flags.filter((f) => !sent.includes(f));
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const r = await this.#run(`APPEND ${folder}`, () => this.#client.append(folder, content, sent, internalDate));
    if (r === false) throw new MigrateError('IMAP_COMMAND_FAILED', `APPEND ${folder}`);
    return { uid: r.uid ?? null, uidValidity: r.uidValidity === undefined ? null : Number(r.uidValidity), droppedFlags };
  }

  /** STATUS (MESSAGES UIDNEXT UIDVALIDITY), without selecting the folder. */
  async status(folder: string): Promise<FolderStatus> {
    const s = await this.#run(`STATUS ${folder}`, () => this.#client.status(folder, { messages: true, uidNext: true, uidValidity: true }));
    return { messages: s.messages ?? 0, uidNext: s.uidNext ?? 0, uidValidity: Number(s.uidValidity ?? 0) };
  }

  /** GETQUOTAROOT INBOX (RFC 9208 §4.1.2) storage in bytes; null without QUOTA or a storage limit. */
  async quota(): Promise<QuotaUsage | null> {
    if (!this.capabilities().has('QUOTA')) return null;
    const q = await this.#run('GETQUOTAROOT INBOX', () => this.#client.getQuota('INBOX'));
    if (!q || !q.storage) return null;
    // The type declarations say `used`, the library fills `usage`: accept either.
    const s = q.storage as { used?: number; usage?: number; limit?: number };
    const used = s.usage ?? s.used;
    if (used === undefined || s.limit === undefined) return null;
    return { usedBytes: used, limitBytes: s.limit };
  }

  /**
   * UIDs whose Message-ID equals `messageId`: UID SEARCH HEADER (a substring match, RFC 3501
   * §6.4.4) narrowed to exact matches. Uses the folder as it is open, or EXAMINEs it.
   */
  async searchByMessageId(folder: string, messageId: string): Promise<number[]> {
    const wanted = messageId.trim();
    if (wanted === '') return [];
    await this.#open(folder, undefined);
    const hits = await this.#run(`UID SEARCH ${folder}`, () => this.#client.search({ header: { 'Message-ID': wanted } }, { uid: true }));
    if (!hits || hits.length === 0) return [];
    const msgs = await this.#run(`UID FETCH ${folder}`, () => this.#client.fetchAll(sequenceSet(hits), { uid: true, headers: ['MESSAGE-ID'] }, { uid: true }));
    return msgs.filter((m) => messageIdOf(m.headers) === wanted).map((m) => m.uid).sort((a, b) => a - b);
  }

  /** Opens `folder` unless it is already open in the wanted mode (`undefined`: any mode). */
  async #open(folder: string, readOnly: boolean | undefined, force = false): Promise<MailboxState> {
    const cur = this.#client.mailbox;
    let box = cur && cur.path === folder && (readOnly === undefined || Boolean(cur.readOnly) === readOnly) && !force ? cur : undefined;
    box ??= await this.#run(`${readOnly === false ? 'SELECT' : 'EXAMINE'} ${folder}`, () => this.#client.mailboxOpen(folder, { readOnly: readOnly !== false }));
    return { uidValidity: Number(box.uidValidity), uidNext: box.uidNext, exists: box.exists };
  }

  async #run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw commandError(err, what);
    }
  }
}

function toSourceMessage(m: FetchMessageObject): SourceMessage {
  if (m.size === undefined || m.internalDate === undefined) throw new MigrateError('IMAP_COMMAND_FAILED', `UID ${m.uid}: FETCH answer without RFC822.SIZE or INTERNALDATE`);
  return {
    uid: m.uid,
    size: m.size,
    flags: [...(m.flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent'),
    internalDate: new Date(m.internalDate),
    messageId: messageIdOf(m.headers),
  };
}
