/**
 * Public types of the IMAP listener: the account backend the provider supplies and the
 * listener options. The protocol package knows no store: folders are reached through
 * {@link ImapAccount}, whose methods map one-to-one onto the store's mailbox semantics.
 */
import type { Clock } from '@recapito/core';
import type { AuthLimits } from '@recapito/smtp';

/** A folder as the server sees it; `id` is opaque and survives RENAME. */
export interface ImapFolder {
  readonly id: number;
  /** Hierarchy with "/" as separator; `INBOX` is special (RFC 3501 §5.1). */
  readonly name: string;
  /** RFC 6154 attribute (`\Sent`, `\Trash`, `\Archive` …) or null. */
  readonly specialUse: string | null;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly highestModseq: number;
}

/** Message metadata: no bytes. */
export interface ImapMessage {
  readonly uid: number;
  readonly size: number;
  readonly internalDate: Date;
  readonly flags: readonly string[];
  readonly modseq: number;
}

/** What changed in a folder after a mod-sequence (RFC 7162), for untagged updates. */
export interface ImapChanges {
  readonly folder: ImapFolder;
  readonly changed: readonly ImapMessage[];
  readonly expunged: readonly number[];
}

/**
 * Expected failures of backend operations; each maps to an RFC 5530 / RFC 9208 response code.
 * `READ-ONLY`: the mailbox is read-only (e.g. a migration's temporary endpoint).
 */
export type ImapBackendErrorCode =
  | 'NONEXISTENT' | 'ALREADYEXISTS' | 'OVERQUOTA' | 'READ-ONLY' | 'CANNOT' | 'LIMIT' | 'TOOBIG' | 'UNAVAILABLE';

/** Thrown by {@link ImapAccount} methods for expected failures; anything else is a server bug. */
export class ImapBackendError extends Error {
  readonly code: ImapBackendErrorCode;
  constructor(code: ImapBackendErrorCode, message: string) {
    super(message);
    this.name = 'ImapBackendError';
    this.code = code;
  }
}

export type FlagOperation = 'set' | 'add' | 'remove';

/** One logged-in user's mailbox: its folders and their messages. */
export interface ImapAccount {
  readonly user: string;
  /** Read at every check, so that switching a mailbox read-only affects open sessions. */
  isReadOnly(): Promise<boolean>;
  listFolders(): Promise<ImapFolder[]>;
  getFolder(name: string): Promise<ImapFolder | undefined>;
  getFolderById(id: number): Promise<ImapFolder | undefined>;
  createFolder(name: string): Promise<void>;
  deleteFolder(name: string): Promise<void>;
  renameFolder(from: string, to: string): Promise<void>;
  subscriptions(): Promise<string[]>;
  setSubscribed(name: string, subscribed: boolean): Promise<void>;
  status(folderId: number): Promise<{ messages: number; unseen: number }>;
  /** All messages (UID order) or those among `uids`. */
  messages(folderId: number, uids?: readonly number[]): Promise<ImapMessage[]>;
  /** The exact stored bytes. */
  read(folderId: number, uid: number): Promise<Uint8Array>;
  /**
   * The header of a message, up to and including the empty line that ends it (the whole
   * message when it has no body): ENVELOPE and header searches need no more.
   */
  readHeader(folderId: number, uid: number): Promise<Uint8Array>;
  append(folderId: number, bytes: Uint8Array, flags: readonly string[], internalDate: Date): Promise<{ uidValidity: number; uid: number }>;
  /** Several messages, all stored or none (MULTIAPPEND, RFC 3502); UIDs in the order given. */
  appendMany(folderId: number, items: readonly { bytes: Uint8Array; flags: readonly string[]; internalDate: Date }[]): Promise<{ uidValidity: number; uids: number[] }>;
  storeFlags(folderId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[],
    unchangedSince?: number): Promise<{ changed: ImapMessage[]; modified: number[] }>;
  expunge(folderId: number, uids?: readonly number[]): Promise<number[]>;
  copy(folderId: number, uids: readonly number[], destId: number, move: boolean): Promise<{ uidValidity: number; mapping: ReadonlyArray<readonly [number, number]> }>;
  changesSince(folderId: number, modseq: number): Promise<ImapChanges>;
  /** RFC 9208 STORAGE in KiB (usage, limit) and message count of the whole mailbox. */
  quota(): Promise<{ usedBytes: number; limitBytes: number }>;
  /** The session ended. */
  close?(): Promise<void>;
}

/** Connection facts handed to the backend at login. */
export interface ImapConnectionInfo {
  remoteAddress: string;
  secure: boolean;
}

export type ImapAuthResult =
  | { ok: true; account: ImapAccount }
  | { ok: false; code: 'AUTHENTICATIONFAILED' | 'UNAVAILABLE' | 'CONTACTADMIN'; message: string };

/** What the provider supplies: checks credentials and opens the account. */
export interface ImapBackend {
  authenticate(user: string, password: string, info: ImapConnectionInfo): Promise<ImapAuthResult>;
}

/** Structured logger (pino-compatible subset). */
export interface ImapLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * - `imaps`: implicit TLS from the first byte (port 993, RFC 8314 §3.3).
 * - `imap-starttls`: plaintext with STARTTLS (port 143, RFC 3501 §6.2.1); LOGIN and
 *   AUTHENTICATE are refused before TLS (LOGINDISABLED, RFC 3501 §6.2.3).
 */
export type ImapMode = 'imaps' | 'imap-starttls';

export interface ImapListenerOptions {
  mode: ImapMode;
  tls: { key: string; cert: string };
  hostname: string;
  backend: ImapBackend;
  logger?: ImapLogger;
  /** Failed-login limits; default 5 failures in 10 minutes per account and per address. */
  authLimits?: Partial<AuthLimits>;
  clock?: Clock;
  /** RFC 3501 §5.4: at least 30 minutes of inactivity before autologout. */
  socketTimeoutMs?: number;
  maxClients?: number;
  /** How often an idling session looks for changes made by other sessions or processes. */
  idlePollMs?: number;
  /** Largest APPEND, octets (TOOBIG beyond it). */
  maxMessageBytes?: number;
}

export interface ImapListener {
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}
