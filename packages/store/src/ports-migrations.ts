/**
 * Storage ports, part three: the identity map of mailbox migration jobs (see ports.ts for the
 * rules that apply to every port).
 */

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

/**
 * `pending` is written before an APPEND (write-ahead): after a crash, a pending entry is either
 * found in the destination (by its bytes) and becomes `copied`, or forgotten and copied again.
 */
export type MapEntryState = 'pending' | 'copied' | 'verified' | 'failed';

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
   * final) or `pending`, in which case it is replaced. MIGRATION_NOT_FOUND for an unknown job.
   */
  recordCopied(jobId: number, entries: readonly MapEntry[]): Promise<void>;
  /** Moves `copied` entries among `uids` to `verified`; other UIDs are left alone. */
  markVerified(jobId: number, sourceFolder: string, sourceUidValidity: number, uids: readonly number[]): Promise<void>;
  /** Marks a recorded entry `failed` with the error; MIGRATION_NOT_FOUND when it was never recorded. */
  markFailed(jobId: number, sourceFolder: string, sourceUidValidity: number, uid: number, error: string): Promise<void>;
  /** Source UIDs copied or verified (what a resumed run skips); one indexed query. */
  copiedUids(jobId: number, sourceFolder: string, sourceUidValidity: number): Promise<Set<number>>;
  /** UIDVALIDITYs of `sourceFolder` with copied or verified entries, ascending (more than one: the folder was renumbered). */
  uidValidities(jobId: number, sourceFolder: string): Promise<number[]>;
  /** Copied or verified entries of `destFolder` with these bytes, in source order. */
  findByDigest(jobId: number, destFolder: string, sha256: string, size: number): Promise<MapEntry[]>;
  /** Entries of one source folder in one state, by source UID. */
  entries(jobId: number, sourceFolder: string, sourceUidValidity: number, state: MapEntryState): Promise<MapEntry[]>;
  /** Deletes `pending` entries among `uids` (their APPEND never happened); others are left alone. */
  forgetPending(jobId: number, sourceFolder: string, sourceUidValidity: number, uids: readonly number[]): Promise<void>;
  /** Highest destination UID recorded in `destFolder` at `destUidValidity`; 0 when none. */
  maxDestUid(jobId: number, destFolder: string, destUidValidity: number): Promise<number>;
  /** Per source folder (all UIDVALIDITYs together), by name. */
  summary(jobId: number): Promise<MigrationFolderSummary[]>;
}
