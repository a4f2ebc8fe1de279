/**
 * Row types of the tables, as Kysely sees them. One representation on both dialects:
 * ids, sizes and counters are 64-bit integers read back as JS numbers; instants are epoch
 * milliseconds (integers), so `Date` values compare equal after a round trip on either side;
 * booleans are integers 0/1 (SQLite has no boolean and cannot bind JS booleans); structured
 * values (limits, flags, payloads, details) are JSON text.
 */
import type { Generated, Kysely } from 'kysely';

export interface DomainsTable {
  name: string;
  created_at: number;
}

export interface MailboxesTable {
  id: Generated<number>;
  address: string;
  domain: string;
  type: string;
  password_hash: string;
  quota_bytes: number;
  used_bytes: number;
  limits: string;
  sending_enabled: number;
  read_only: number;
  accepts_ordinary_mail: number;
  ceased_at: number | null;
  created_at: number;
}

export interface FoldersTable {
  id: Generated<number>;
  mailbox_id: number;
  name: string;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  special_use: string | null;
}

export interface MessagesTable {
  id: Generated<number>;
  folder_id: number;
  uid: number;
  blob_id: string;
  size: number;
  internal_date: number;
  flags: string;
  modseq: number;
  /** 1 when `flags` holds \Seen / \Deleted (any case): kept in step by every write (migration 004). */
  seen: number;
  deleted: number;
}

/** UIDs expunged from a folder and the modseq of their removal (CONDSTORE/QRESYNC tombstones). */
export interface ExpungedTable {
  folder_id: number;
  uid: number;
  modseq: number;
}

/** IMAP subscriptions (RFC 3501 §6.3.6): names, which need not exist as folders. */
export interface SubscriptionsTable {
  mailbox_id: number;
  name: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  key: string;
  payload: string;
  run_at: number;
  attempts: number;
  last_error: string | null;
  lease_until: number | null;
  /** Set when the job is done: the row stays as the tombstone of its idempotency key. */
  completed_at: number | null;
}

export interface OutboxTable {
  id: Generated<number>;
  key: string;
  blob_id: string;
  mail_from: string;
  rcpt_to: string;
  domain: string;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
}

export interface ReceivedTable {
  message_id: string;
  rcpt: string;
  received_at: number;
}

export interface PecTransactionsTable {
  pec_msg_id: string;
  sender: string;
  subject: string;
  client_msg_id: string | null;
  accepted_at: number;
  certification: string;
}

export interface PecRecipientsTable {
  pec_msg_id: string;
  address: string;
  position: number;
  state: string;
  warned: number;
}

export interface MessageLogTable {
  id: Generated<number>;
  at: number;
  event: string;
  pec_msg_id: string | null;
  message_id: string | null;
  sender: string | null;
  recipients: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface MessageLogAddressesTable {
  log_id: number;
  address: string;
}

/** The single chain-head row (id 1): serializes appends and anchors both ends of the chain. */
export interface MessageLogHeadTable {
  id: number;
  /** Previous hash expected of the oldest retained entry (moves forward on purge). */
  anchor_hash: string;
  last_id: number;
  last_hash: string;
}

export interface ProvidersTable {
  name: string;
  mail_receipt: string;
  domains: string;
  certificates: string;
  route: string | null;
}

/** Mailbox migration jobs (idempotent by key). */
export interface MigrationJobsTable {
  id: Generated<number>;
  key: string;
  source: string;
  destination: string;
  created_at: number;
}

/** The identity map of a migration job, keyed by (job, source folder, UIDVALIDITY, UID). */
export interface MigrationMapTable {
  job_id: number;
  source_folder: string;
  source_uid_validity: number;
  source_uid: number;
  dest_folder: string;
  dest_uid_validity: number | null;
  dest_uid: number | null;
  message_id: string | null;
  size: number;
  sha256: string;
  /** 'copied' | 'verified' | 'failed'. */
  state: string;
  error: string | null;
  updated_at: number;
}

export interface Database {
  domains: DomainsTable;
  mailboxes: MailboxesTable;
  folders: FoldersTable;
  messages: MessagesTable;
  expunged: ExpungedTable;
  subscriptions: SubscriptionsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
  received: ReceivedTable;
  pec_transactions: PecTransactionsTable;
  pec_recipients: PecRecipientsTable;
  message_log: MessageLogTable;
  message_log_addresses: MessageLogAddressesTable;
  message_log_head: MessageLogHeadTable;
  providers: ProvidersTable;
  migration_jobs: MigrationJobsTable;
  migration_map: MigrationMapTable;
}

/** The query builder every port works with: the store's pool or an open transaction. */
export type Db = Kysely<Database>;
