/**
 * The IMAP account backend over the store. Read-only mailboxes (a migration's temporary
 * endpoint) are enforced here, on every write, reading the flag afresh each time so that
 * `recapito mailbox set --read-only` takes effect on sessions already open.
 */
import type { FlagOperation, ImapAccount, ImapBackend, ImapChanges, ImapFolder, ImapMessage } from '@recapito/imap';
import { ImapBackendError } from '@recapito/imap';
import { StoreError, type BatchMessage, type Folder, type StoredMessage, type Store } from '@recapito/store';
import type { Logger } from '../context.ts';
import { checkLogin, ensureSpecialFolders } from './login.ts';
import { BlobLocator, HeaderCache } from './read-cache.ts';

/**
 * How much of a message is read to find the end of its header: most headers fit (PEC headers
 * are a few KiB); a longer one costs a second read of the whole message.
 */
const HEADER_PROBE = 16 * 1024;
/** From this many UIDs on, metadata is read by UID range rather than by UID list. */
const RANGE_QUERY_MIN = 64;

/** Offset just past the empty line ending the header (CRLF CRLF, or LF LF), or -1. */
function headerEnd(b: Uint8Array): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf[0] === 0x0d && buf[1] === 0x0a) return 2; // no header fields at all
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

const toFolder = (f: Folder): ImapFolder => ({ id: f.id, name: f.name, specialUse: f.specialUse, uidValidity: f.uidValidity, uidNext: f.uidNext, highestModseq: f.highestModseq });
const toMessage = (m: StoredMessage): ImapMessage => ({ uid: m.uid, size: m.size, internalDate: m.internalDate, flags: m.flags, modseq: m.modseq });

/** Store errors → IMAP response codes. */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    switch (e.code) {
      case 'FOLDER_NOT_FOUND': throw new ImapBackendError('NONEXISTENT', 'folder not found');
      case 'FOLDER_EXISTS': throw new ImapBackendError('ALREADYEXISTS', 'folder exists');
      case 'QUOTA_EXCEEDED': throw new ImapBackendError('OVERQUOTA', 'the message does not fit in the quota');
      case 'INVALID_INPUT': throw new ImapBackendError('CANNOT', e.message);
      case 'STORE_BUSY': case 'STORE_UNAVAILABLE': case 'BLOB_NOT_FOUND': throw new ImapBackendError('UNAVAILABLE', e.code);
      default: throw e;
    }
  }
}

export class StoreImapAccount implements ImapAccount {
  readonly #blobs = new BlobLocator();

  constructor(private readonly store: Store, private readonly mailboxId: number, readonly user: string,
    private readonly headers = new HeaderCache()) {}

  /** Metadata for the protocol, remembering where each message's bytes are. */
  #meta(folderId: number, rows: readonly StoredMessage[]): ImapMessage[] {
    for (const r of rows) this.#blobs.remember(folderId, r.uid, r.blobId);
    return rows.map(toMessage);
  }

  async #blobOf(folderId: number, uid: number): Promise<string> {
    const known = this.#blobs.find(folderId, uid);
    if (known) return known;
    const [m] = await this.store.mailboxes.getMessages(folderId, [uid]);
    if (!m) throw new ImapBackendError('NONEXISTENT', `message ${uid} was expunged`);
    this.#blobs.remember(folderId, uid, m.blobId);
    return m.blobId;
  }

  async isReadOnly(): Promise<boolean> {
    const m = await this.store.accounts.getMailboxById(this.mailboxId);
    return !m || m.readOnly || m.ceasedAt !== null;
  }

  async #writable(): Promise<void> {
    if (await this.isReadOnly()) throw new ImapBackendError('READ-ONLY', 'the mailbox is read-only');
  }

  async listFolders(): Promise<ImapFolder[]> {
    return (await this.store.mailboxes.listFolders(this.mailboxId)).map(toFolder);
  }

  async getFolder(name: string): Promise<ImapFolder | undefined> {
    try {
      const f = await this.store.mailboxes.getFolder(this.mailboxId, name);
      return f && toFolder(f);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'INVALID_INPUT') return undefined;
      throw e;
    }
  }

  async getFolderById(id: number): Promise<ImapFolder | undefined> {
    const f = await this.store.mailboxes.getFolderById(id);
    return f && f.mailboxId === this.mailboxId ? toFolder(f) : undefined;
  }

  async #own(id: number): Promise<Folder> {
    const f = await this.store.mailboxes.getFolderById(id);
    if (!f || f.mailboxId !== this.mailboxId) throw new ImapBackendError('NONEXISTENT', 'folder not found');
    return f;
  }

  async createFolder(name: string): Promise<void> {
    await this.#writable();
    await mapped(() => this.store.mailboxes.createFolder(this.mailboxId, name));
  }

  async deleteFolder(name: string): Promise<void> {
    await this.#writable();
    const f = await this.store.mailboxes.getFolder(this.mailboxId, name);
    if (f?.specialUse) throw new ImapBackendError('CANNOT', `${name} is a special-use folder`);
    await mapped(() => this.store.mailboxes.deleteFolder(this.mailboxId, name));
  }

  async renameFolder(from: string, to: string): Promise<void> {
    await this.#writable();
    await mapped(() => this.store.mailboxes.renameFolder(this.mailboxId, from, to));
  }

  subscriptions(): Promise<string[]> {
    return this.store.mailboxes.listSubscriptions(this.mailboxId);
  }

  setSubscribed(name: string, subscribed: boolean): Promise<void> {
    return mapped(() => this.store.mailboxes.setSubscribed(this.mailboxId, name, subscribed));
  }

  async status(folderId: number): Promise<{ messages: number; unseen: number }> {
    await this.#own(folderId);
    return this.store.mailboxes.folderStatus(folderId);
  }

  async messages(folderId: number, uids?: readonly number[]): Promise<ImapMessage[]> {
    if (!uids) return this.#meta(folderId, await this.store.mailboxes.listMessages(folderId));
    if (uids.length < RANGE_QUERY_MIN) return this.#meta(folderId, await this.store.mailboxes.getMessages(folderId, uids));
    // Many UIDs (ascending, from a sequence set): one range scan on (folder, uid) instead of
    // long IN lists; UIDs are unique, so the range holds at most max − min + 1 messages.
    const first = uids[0]!;
    const last = uids[uids.length - 1]!;
    const wanted = new Set(uids);
    const rows = await this.store.mailboxes.listMessages(folderId, { afterUid: first - 1, limit: last - first + 1 });
    return this.#meta(folderId, rows.filter((m) => m.uid <= last && wanted.has(m.uid)));
  }

  async read(folderId: number, uid: number): Promise<Uint8Array> {
    const blobId = await this.#blobOf(folderId, uid);
    return mapped(() => this.store.blobs.get(blobId));
  }

  async readHeader(folderId: number, uid: number): Promise<Uint8Array> {
    const blobId = await this.#blobOf(folderId, uid);
    const cached = this.headers.get(blobId);
    if (cached) return cached;
    const head = await mapped(() => this.store.blobs.head(blobId, HEADER_PROBE));
    const end = headerEnd(head);
    if (end < 0) {
      if (head.length < HEADER_PROBE) return head;
      const whole = await mapped(() => this.store.blobs.get(blobId));
      const wholeEnd = headerEnd(whole);
      return wholeEnd < 0 ? whole : Uint8Array.from(whole.subarray(0, wholeEnd));
    }
    // A copy of the header alone: a slice would keep the whole read buffer alive.
    const header = Uint8Array.from(head.subarray(0, end));
    this.headers.set(blobId, header);
    return header;
  }

  async append(folderId: number, bytes: Uint8Array, flags: readonly string[], internalDate: Date): Promise<{ uidValidity: number; uid: number }> {
    await this.#writable();
    const folder = await this.#own(folderId);
    const blob = await this.store.blobs.put([bytes]);
    const m = await mapped(() => this.store.mailboxes.append({ mailboxId: this.mailboxId, folder: folder.name, blob, internalDate, flags }));
    return { uidValidity: folder.uidValidity, uid: m.uid };
  }

  async appendMany(folderId: number, items: readonly { bytes: Uint8Array; flags: readonly string[]; internalDate: Date }[]): Promise<{ uidValidity: number; uids: number[] }> {
    await this.#writable();
    const folder = await this.#own(folderId);
    const batch: BatchMessage[] = [];
    for (const it of items) batch.push({ blob: await this.store.blobs.put([it.bytes]), internalDate: it.internalDate, flags: it.flags });
    // One transaction: all or none, quota checked for the whole group (RFC 3502 §6.3.11).
    const stored = await mapped(() => this.store.mailboxes.appendMany(this.mailboxId, folder.name, batch));
    return { uidValidity: folder.uidValidity, uids: stored.map((m) => m.uid) };
  }

  async storeFlags(folderId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince?: number): Promise<{ changed: ImapMessage[]; modified: number[] }> {
    await this.#writable();
    const r = await mapped(() => this.store.mailboxes.storeFlags(folderId, uids, op, flags, unchangedSince === undefined ? {} : { unchangedSince }));
    return { changed: this.#meta(folderId, r.changed), modified: r.modified };
  }

  async expunge(folderId: number, uids?: readonly number[]): Promise<number[]> {
    await this.#writable();
    return mapped(() => this.store.mailboxes.expunge(folderId, uids));
  }

  async copy(folderId: number, uids: readonly number[], destId: number, move: boolean) {
    await this.#writable();
    await this.#own(destId);
    return mapped(() => this.store.mailboxes.copyMessages(folderId, uids, destId, { move }));
  }

  async changesSince(folderId: number, modseq: number): Promise<ImapChanges> {
    const c = await this.store.mailboxes.changesSince(folderId, modseq);
    return { folder: toFolder(c.folder), changed: this.#meta(folderId, c.changed), expunged: c.expunged };
  }

  async quota(): Promise<{ usedBytes: number; limitBytes: number }> {
    const m = await this.store.accounts.getMailboxById(this.mailboxId);
    return { usedBytes: m?.usedBytes ?? 0, limitBytes: m?.quotaBytes ?? 0 };
  }
}

/** The IMAP backend of a provider. */
export function imapBackend(store: Store, logger: Logger): ImapBackend {
  const headers = new HeaderCache();
  return {
    async authenticate(user, password, info) {
      const r = await checkLogin(store, user, password);
      if (!r.ok) {
        logger.info({ user, remoteAddress: info.remoteAddress, reason: r.reason }, 'imap authentication refused');
        return { ok: false, code: 'AUTHENTICATIONFAILED', message: 'Invalid credentials / credenziali non valide' };
      }
      await ensureSpecialFolders(store, r.mailbox.id);
      return { ok: true, account: new StoreImapAccount(store, r.mailbox.id, r.mailbox.address, headers) };
    },
  };
}
