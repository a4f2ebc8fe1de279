/**
 * The storage ports of a provider: what the PEC pipeline, the protocol servers and the CLI
 * need from storage, independent of the SQL dialect. One implementation (Kysely over SQLite or
 * PostgreSQL, plus a content-addressed blob store on disk) lives in this package; a contract
 * test suite runs against every dialect.
 *
 * Durability rule: every method that writes has committed (and, for blobs, fsynced) before its
 * promise resolves. Multi-step changes that must be atomic go through `Store.transaction`.
 */

// ---------------------------------------------------------------------------------------------
// Blobs: raw message bytes, content-addressed (sha256), stored once however many mailboxes hold
// them. Written to a temporary file, fsynced, renamed, directory fsynced.

export interface BlobRef {
  /** Lower-case hex SHA-256 of the bytes. */
  readonly id: string;
  readonly size: number;
}

export interface BlobStore {
  /** Stores the concatenation of the chunks; idempotent (same bytes → same id, no rewrite). */
  put(chunks: readonly Uint8Array[]): Promise<BlobRef>;
  /** The exact bytes; throws StoreError('BLOB_NOT_FOUND') when absent. */
  get(id: string): Promise<Uint8Array>;
  /** The first `maxBytes` bytes (all of them when shorter): reading a header without the body. */
  head(id: string, maxBytes: number): Promise<Uint8Array>;
  has(id: string): Promise<boolean>;
  /** Removes blobs no message, outbox entry or inbound item references (garbage collection). */
  delete(id: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Domains and mailboxes

export type MailboxType = 'standard' | 'massive' | 'service';

/** Per-mailbox traffic limits (DM 2/11/2005 art. 12: at least 50 recipients, size × rcpts ≥ 30 MB). */
export interface TrafficLimits {
  /** Largest accepted message, bytes. */
  readonly maxMessageBytes: number;
  /** Most recipients per message. */
  readonly maxRecipients: number;
  /** Largest size × recipients, bytes. */
  readonly maxTotalBytes: number;
  /** Messages accepted per rolling day / minute. */
  readonly perDay: number;
  readonly perMinute: number;
}

export interface Mailbox {
  readonly id: number;
  /** Lower-case address. */
  readonly address: string;
  readonly domain: string;
  readonly type: MailboxType;
  /** Scrypt hash in PHC-like string form; never logged. */
  readonly passwordHash: string;
  readonly quotaBytes: number;
  readonly usedBytes: number;
  readonly limits: TrafficLimits;
  /** Sending disabled: submissions refused (migration: sending inhibited on the old side). */
  readonly sendingEnabled: boolean;
  /** Read-only: deliveries refused with a clear reason, IMAP/POP3 writes refused. */
  readonly readOnly: boolean;
  /** Ordinary (non-PEC) mail accepted into this mailbox as anomaly envelopes (RFC 6109 §2.2.2). */
  readonly acceptsOrdinaryMail: boolean;
  /** Ceased mailboxes exist for the record only: no login, no delivery. */
  readonly ceasedAt: Date | null;
  readonly createdAt: Date;
}

export interface NewMailbox {
  readonly address: string;
  readonly type: MailboxType;
  readonly passwordHash: string;
  readonly quotaBytes: number;
  readonly limits: TrafficLimits;
  readonly acceptsOrdinaryMail?: boolean;
}

export interface MailboxPatch {
  readonly passwordHash?: string;
  readonly type?: MailboxType;
  readonly quotaBytes?: number;
  readonly limits?: TrafficLimits;
  readonly sendingEnabled?: boolean;
  readonly readOnly?: boolean;
  readonly acceptsOrdinaryMail?: boolean;
  readonly ceasedAt?: Date | null;
}

export interface Accounts {
  addDomain(domain: string): Promise<void>;
  listDomains(): Promise<string[]>;
  isLocalDomain(domain: string): Promise<boolean>;
  /** Creates the mailbox and its INBOX; StoreError('MAILBOX_EXISTS') if present. */
  addMailbox(m: NewMailbox): Promise<Mailbox>;
  getMailbox(address: string): Promise<Mailbox | undefined>;
  getMailboxById(id: number): Promise<Mailbox | undefined>;
  listMailboxes(domain?: string): Promise<Mailbox[]>;
  updateMailbox(address: string, patch: MailboxPatch): Promise<Mailbox>;
}

// ---------------------------------------------------------------------------------------------
// Mailbox contents (folders with IMAP semantics: UIDVALIDITY, UIDNEXT, MODSEQ)

export interface Folder {
  readonly id: number;
  readonly mailboxId: number;
  /** Hierarchy with "/" as separator; "INBOX" is special. */
  readonly name: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly highestModseq: number;
  /** RFC 6154 special use (\\Sent, \\Trash …) or null. */
  readonly specialUse: string | null;
}

export interface StoredMessage {
  readonly id: number;
  readonly folderId: number;
  readonly uid: number;
  readonly blobId: string;
  readonly size: number;
  readonly internalDate: Date;
  readonly flags: readonly string[];
  readonly modseq: number;
}

export interface Deliver {
  readonly mailboxId: number;
  /** Default INBOX. */
  readonly folder?: string;
  readonly blob: BlobRef;
  readonly internalDate: Date;
  readonly flags?: readonly string[];
}

export interface Mailboxes {
  listFolders(mailboxId: number): Promise<Folder[]>;
  getFolder(mailboxId: number, name: string): Promise<Folder | undefined>;
  createFolder(mailboxId: number, name: string, specialUse?: string | null): Promise<Folder>;
  /**
   * Appends a message: assigns the next UID, adds its size to the mailbox usage. Quota is
   * checked atomically: StoreError('QUOTA_EXCEEDED') when usage + size > quota.
   */
  append(d: Deliver): Promise<StoredMessage>;
  /**
   * Appends several messages to one folder in one transaction (imports, migration): consecutive
   * UIDs in the given order, one modseq for the batch, the quota checked for the total
   * (QUOTA_EXCEEDED: nothing appended).
   */
  appendMany(mailboxId: number, folder: string, items: readonly BatchMessage[]): Promise<StoredMessage[]>;
  /** Messages of a folder in UID order, metadata only (no bytes). */
  listMessages(folderId: number, opts?: { afterUid?: number; limit?: number }): Promise<StoredMessage[]>;
  countMessages(folderId: number): Promise<number>;

  // --- IMAP semantics (RFC 3501, RFC 7162 CONDSTORE) -------------------------------------
  // Every write below that changes something bumps the folder's highest_modseq once per call
  // (RFC 7162 §3.1: each STORE gets its own, greater mod-sequence) and gives that value to every
  // message it changes and to the tombstone of every UID it removes, in one transaction; readers
  // in any process see the change through `changesSince`. Flags are kept as given (system flags
  // with their backslash, keywords as atoms), compared case-insensitively, never duplicated (the
  // first spelling stays); `\Recent` is session state and is never stored (dropped if given).

  getFolderById(folderId: number): Promise<Folder | undefined>;
  /**
   * RFC 3501 §6.3.5: renames the folder and its children (`a` → `b` also moves `a/x` → `b/x`),
   * keeping UIDVALIDITY. Renaming INBOX moves its messages into a new folder `to` (new
   * UIDVALIDITY) and leaves INBOX empty; INBOX's children stay. FOLDER_NOT_FOUND /
   * FOLDER_EXISTS (also when a renamed child would collide) / INVALID_INPUT (a name under itself).
   * Subscriptions are names and are not renamed.
   */
  renameFolder(mailboxId: number, from: string, to: string): Promise<Folder>;
  /**
   * Deletes the folder and its messages (their bytes leave the usage); INBOX → INVALID_INPUT.
   * Children stay (RFC 3501 §6.3.4), and so do subscriptions.
   */
  deleteFolder(mailboxId: number, name: string): Promise<void>;
  /** The messages of `folderId` among `uids` (UID order, missing UIDs skipped; any number of UIDs). */
  getMessages(folderId: number, uids: readonly number[]): Promise<StoredMessage[]>;
  /**
   * STORE: replaces, adds or removes flags on the given UIDs. With `unchangedSince` (RFC 7162
   * §3.1.3) messages whose modseq is greater are left alone and listed in `modified`.
   * Messages whose flags do not actually change keep their modseq and are not in `changed`.
   */
  storeFlags(folderId: number, uids: readonly number[], op: FlagOp, flags: readonly string[],
    opts?: { unchangedSince?: number }): Promise<{ changed: StoredMessage[]; modified: number[] }>;
  /**
   * Removes messages carrying \Deleted (all of them, or only those among `uids`: UID EXPUNGE),
   * frees their bytes from the mailbox usage and records each UID as expunged at a new modseq.
   * Returns the expunged UIDs in ascending order.
   */
  expunge(folderId: number, uids?: readonly number[]): Promise<number[]>;
  /**
   * COPY / MOVE (RFC 3501 §6.4.7, RFC 6851): new UIDs in the destination in source UID order,
   * same blob, flags and internal date. Copy charges the quota (QUOTA_EXCEEDED, nothing copied);
   * move does not, and expunges the sources in the same transaction. Both folders must belong to
   * one mailbox (INVALID_INPUT otherwise).
   */
  copyMessages(folderId: number, uids: readonly number[], destFolderId: number,
    opts?: { move?: boolean }): Promise<CopyResult>;
  /**
   * What changed in the folder after `modseq`: new or re-flagged messages and expunged UIDs, up to
   * and including `folder.highestModseq` (later changes are left out: pass that value next time).
   * FOLDER_NOT_FOUND.
   */
  changesSince(folderId: number, modseq: number): Promise<FolderChanges>;
  /** STATUS counts, without reading message bodies (fast on 100,000 messages); FOLDER_NOT_FOUND. */
  folderStatus(folderId: number): Promise<FolderStatus>;
  /** LSUB / SUBSCRIBE (RFC 3501 §6.3.6–6.3.9): names need not exist. */
  listSubscriptions(mailboxId: number): Promise<string[]>;
  setSubscribed(mailboxId: number, name: string, subscribed: boolean): Promise<void>;
}

export type FlagOp = 'set' | 'add' | 'remove';

export interface BatchMessage {
  readonly blob: BlobRef;
  readonly internalDate: Date;
  readonly flags?: readonly string[];
}

export interface CopyResult {
  /** UIDVALIDITY of the destination (RFC 4315 COPYUID). */
  readonly uidValidity: number;
  /** Pairs [source UID, destination UID], source UID order. */
  readonly mapping: ReadonlyArray<readonly [number, number]>;
}

export interface FolderChanges {
  /** The folder's counters now. */
  readonly folder: Folder;
  /** Messages with modseq > since (appended or re-flagged), UID order, metadata only. */
  readonly changed: StoredMessage[];
  /** UIDs expunged at a modseq > since, ascending. */
  readonly expunged: number[];
}

export interface FolderStatus {
  readonly messages: number;
  /** Messages without \Seen. */
  readonly unseen: number;
  /** Sum of message sizes. */
  readonly bytes: number;
}

// ---------------------------------------------------------------------------------------------
// Durable job queue (leases, retries with backoff, idempotency keys)

export interface Job<P = unknown> {
  readonly id: number;
  readonly kind: string;
  /** Unique idempotency key: enqueueing an existing key is a no-op. */
  readonly key: string;
  readonly payload: P;
  readonly runAt: Date;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface NewJob<P = unknown> {
  readonly kind: string;
  readonly key: string;
  readonly payload: P;
  /** Default: now (the store's clock). */
  readonly runAt?: Date;
}

export interface Queue {
  /** Inserts jobs whose key is new; returns how many were inserted. */
  enqueue(jobs: readonly NewJob[]): Promise<number>;
  /**
   * Claims up to `limit` due jobs (runAt ≤ now, not leased or lease expired) of the given kinds,
   * leasing them until now + leaseMs. Concurrent claimers never get the same job (PostgreSQL:
   * FOR UPDATE SKIP LOCKED; SQLite: one writer).
   */
  claim(kinds: readonly string[], now: Date, leaseMs: number, limit: number): Promise<Job[]>;
  /** Deletes a finished job (inside a transaction when outputs are written with it). */
  complete(id: number): Promise<void>;
  /** Releases the lease and reschedules after a failure. */
  retry(id: number, runAt: Date, error: string): Promise<void>;
  /** Next due time of any job of these kinds (for sleeping workers), or undefined. */
  nextRunAt(kinds: readonly string[]): Promise<Date | undefined>;
  get(key: string): Promise<Job | undefined>;
  count(kinds?: readonly string[]): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Outbox: messages to send by SMTP, with their routing data. Written in the same transaction as
// whatever produced them; sent by a worker; the bytes never change between attempts, so a
// resend after a crash carries the same Message-ID and the receiver can drop the duplicate.

export interface OutboxMessage {
  readonly id: number;
  /** Idempotency key of the producing step, unique (e.g. `receipt:<pecid>:consegna:<rcpt>`). */
  readonly key: string;
  readonly blobId: string;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** Destination domain (all rcpts share it). */
  readonly domain: string;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface NewOutboxMessage {
  readonly key: string;
  readonly blobId: string;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly domain: string;
}

export interface Outbox {
  /** Returns the existing entry when the key is already present. */
  add(m: NewOutboxMessage): Promise<OutboxMessage>;
  get(id: number): Promise<OutboxMessage | undefined>;
  markSent(id: number, at: Date): Promise<void>;
  markAttempt(id: number, error: string): Promise<void>;
  pending(): Promise<OutboxMessage[]>;
}

// ---------------------------------------------------------------------------------------------
// Inbound dedup: a message received twice (sender retry after a lost 250) is processed once.

export interface Received {
  /** Records (messageId, rcpt); false when already recorded. */
  markReceived(messageId: string, rcpt: string, at: Date): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// PEC transactions sent by our users: per certified recipient state, for receipts and timeouts.

export type RecipientState = 'pending' | 'taken' | 'delivered' | 'failed' | 'expired';

export interface TransactionRecipient {
  readonly address: string;
  readonly state: RecipientState;
  /** Whether the 12 h notice was sent for this recipient. */
  readonly warned: boolean;
}

export interface PecTransaction {
  readonly pecMsgId: string;
  readonly sender: string;
  readonly subject: string;
  readonly clientMsgId: string | null;
  readonly acceptedAt: Date;
  /** Certification data as JSON (core `Certification`), to build notices later. */
  readonly certification: unknown;
  readonly recipients: readonly TransactionRecipient[];
}

export interface Transactions {
  create(t: Omit<PecTransaction, 'recipients'> & { recipients: readonly string[] }): Promise<void>;
  get(pecMsgId: string): Promise<PecTransaction | undefined>;
  /** Moves a recipient forward (pending → taken → delivered|failed|expired); never backward. */
  setRecipientState(pecMsgId: string, address: string, state: RecipientState): Promise<void>;
  markWarned(pecMsgId: string, address: string): Promise<void>;
  /** Transactions accepted for `sender` at or after `since` (traffic limits per minute/day). */
  countSince(sender: string, since: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Message log (registro, RFC 6109 §2.3): append-only, hash-chained, kept 30 months.

export interface LogEvent {
  readonly id: number;
  readonly at: Date;
  /** e.g. `accettazione`, `non-accettazione`, `busta-inviata`, `presa-in-carico`, `consegna`,
   * `errore-consegna`, `anomalia`, `ricezione`, `preavviso-12h`, `preavviso-24h`, `invio-smtp`. */
  readonly event: string;
  /** PEC msgid of the transaction (identificativo), when known. */
  readonly pecMsgId: string | null;
  /** Message-ID of the message this event produced or concerns. */
  readonly messageId: string | null;
  readonly sender: string | null;
  readonly recipients: readonly string[];
  readonly subject: string | null;
  /** Outcome and details (error codes, provider, …). */
  readonly details: Readonly<Record<string, unknown>>;
  /** SHA-256 over the previous hash and this entry's canonical JSON (tamper evidence). */
  readonly hash: string;
}

export type NewLogEvent = Omit<LogEvent, 'id' | 'hash'>;

export interface LogQuery {
  readonly pecMsgId?: string;
  readonly messageId?: string;
  /** Matches sender or any recipient. */
  readonly address?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
}

export interface MessageLog {
  append(events: readonly NewLogEvent[]): Promise<void>;
  search(q: LogQuery): Promise<LogEvent[]>;
  /** Recomputes the hash chain; returns the id of the first broken entry, or undefined. */
  verifyChain(): Promise<number | undefined>;
  /** Deletes entries older than `before` (30 months retention); returns how many. */
  purge(before: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Providers' index, as stored locally (imported LDIF / file form / add-provider).

export interface StoredProvider {
  readonly name: string;
  readonly mailReceipt: string;
  readonly domains: readonly string[];
  /** PEM certificates. */
  readonly certificates: readonly string[];
  /** host:port for tests and private networks; otherwise MX. */
  readonly route: string | null;
}

export interface IndexStore {
  /** Inserts or replaces by name. */
  put(p: StoredProvider): Promise<void>;
  list(): Promise<StoredProvider[]>;
  remove(name: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Mailbox migration: the persistent identity map of a copy job (source IMAP → destination), so
// that re-runs, resumes after a crash and servers without UIDPLUS never copy a message twice.
// A source message is identified by (folder, UIDVALIDITY, UID): a changed UIDVALIDITY is a
// different folder for the map, so nothing is wrongly skipped.

export interface MigrationJob {
  readonly id: number;
  /** Unique idempotency key of the job. */
  readonly key: string;
  readonly source: string;
  readonly destination: string;
  readonly createdAt: Date;
}

export type MapEntryState = 'copied' | 'verified' | 'failed';

export interface MapEntry {
  readonly sourceFolder: string;
  readonly sourceUidValidity: number;
  readonly sourceUid: number;
  readonly destFolder: string;
  /** Unknown without UIDPLUS (COPYUID / APPENDUID). */
  readonly destUidValidity: number | null;
  readonly destUid: number | null;
  readonly messageId: string | null;
  readonly size: number;
  /** Hex SHA-256 of the message bytes (stored lower-case). */
  readonly sha256: string;
  readonly state: MapEntryState;
  readonly error?: string | null;
}

export interface MigrationFolderSummary {
  readonly sourceFolder: string;
  readonly copied: number;
  readonly verified: number;
  readonly failed: number;
  /** Bytes of the copied and verified entries. */
  readonly bytes: number;
}

export interface MigrationMaps {
  /** Creates the job, or returns the existing one with this key (its createdAt kept). */
  openJob(key: string, source: string, destination: string): Promise<MigrationJob>;
  /**
   * Records entries in one transaction, idempotent on (job, sourceFolder, sourceUidValidity,
   * sourceUid): an entry already present is left unchanged, unless it is `failed` (failure is not
   * final), in which case it is replaced. MIGRATION_NOT_FOUND for an unknown job.
   */
  recordCopied(jobId: number, entries: readonly MapEntry[]): Promise<void>;
  /** Moves `copied` entries among `uids` to `verified`; other UIDs are left alone. */
  markVerified(jobId: number, sourceFolder: string, sourceUidValidity: number, uids: readonly number[]): Promise<void>;
  /** Marks a recorded entry `failed` with the error; MIGRATION_NOT_FOUND when it was never recorded. */
  markFailed(jobId: number, sourceFolder: string, sourceUidValidity: number, uid: number, error: string): Promise<void>;
  /** Source UIDs copied or verified (what a resumed run skips); one indexed query. */
  copiedUids(jobId: number, sourceFolder: string, sourceUidValidity: number): Promise<Set<number>>;
  /** Copied or verified entries of `destFolder` with these bytes, in source order. */
  findByDigest(jobId: number, destFolder: string, sha256: string, size: number): Promise<MapEntry[]>;
  /** Per source folder (all UIDVALIDITYs together), by name. */
  summary(jobId: number): Promise<MigrationFolderSummary[]>;
}

// ---------------------------------------------------------------------------------------------

/** Everything, plus atomic groups of changes. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly blobs: BlobStore;
  readonly accounts: Accounts;
  readonly mailboxes: Mailboxes;
  readonly queue: Queue;
  readonly outbox: Outbox;
  readonly received: Received;
  readonly transactions: Transactions;
  readonly log: MessageLog;
  readonly index: IndexStore;
  readonly migrations: MigrationMaps;
  /**
   * Runs `fn` with a Store whose every operation (blobs excepted: they are written and fsynced
   * before, outside the transaction) belongs to one database transaction: all or nothing.
   */
  transaction<T>(fn: (tx: Omit<Store, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
