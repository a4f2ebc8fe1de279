/**
 * The storage ports of a provider: what the PEC pipeline, the protocol servers and the CLI
 * need from storage, independent of the SQL dialect. One implementation (Kysely over SQLite or
 * PostgreSQL, plus a content-addressed blob store on disk) lives in this package; a contract
 * test suite runs against every dialect.
 *
 * Durability rule: every method that writes has committed (and, for blobs, fsynced) before its
 * promise resolves. Multi-step changes that must be atomic go through `Store.transaction`.
 */
import type { Mailboxes } from './ports-mailboxes.ts';
import type { MigrationMaps } from './ports-migrations.ts';

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
// Mailbox contents: ports-mailboxes.ts.
export type * from './ports-mailboxes.ts';

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

// Migration jobs: ports-migrations.ts.
export type * from './ports-migrations.ts';

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
