/**
 * Storage ports, part two: mailbox contents with IMAP semantics (see ports.ts for the rules that
 * apply to every port).
 */
import type { BlobRef } from './ports.ts';

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
