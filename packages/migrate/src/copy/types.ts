/**
 * The shapes the copy engine works with: what it needs from the store (the identity map, as a
 * port: this package knows no database), its options, its events and its report.
 */
import type { ImapEndpoint } from '../imap/endpoint.ts';
import type { DataSession } from '../imap/raw/data-session.ts';
import type { FolderRule } from '../folders.ts';
import type { MigrateErrorCode } from '../errors.ts';
import type { Throttle } from './throttle.ts';

export type EntryState = 'pending' | 'copied' | 'verified' | 'failed';

/** One source message in the identity map (see the store's migration maps). */
export interface JobEntry {
  readonly sourceFolder: string;
  readonly sourceUidValidity: number;
  readonly sourceUid: number;
  readonly destFolder: string;
  readonly destUidValidity: number | null;
  readonly destUid: number | null;
  readonly messageId: string | null;
  readonly size: number;
  readonly sha256: string;
  readonly state: EntryState;
  readonly error?: string | null;
}

/** The identity map of one job: the store's MigrationMaps, bound to a job id. */
export interface JobMap {
  record(entries: readonly JobEntry[]): Promise<void>;
  copiedUids(sourceFolder: string, uidValidity: number): Promise<Set<number>>;
  entries(sourceFolder: string, uidValidity: number, state: EntryState): Promise<JobEntry[]>;
  forgetPending(sourceFolder: string, uidValidity: number, uids: readonly number[]): Promise<void>;
  maxDestUid(destFolder: string, destUidValidity: number): Promise<number>;
  /** UIDVALIDITYs of the source folder with copies recorded (more than one: it was renumbered). */
  uidValidities(sourceFolder: string): Promise<number[]>;
  markVerified(sourceFolder: string, uidValidity: number, uids: readonly number[]): Promise<void>;
  markFailed(sourceFolder: string, uidValidity: number, uid: number, error: string): Promise<void>;
}

/** Opens a new authenticated session (listing and scan); called again after a lost connection. */
export type Connect = () => Promise<ImapEndpoint>;
/** Opens a new data-path session (bytes in and out); called again after a lost connection. */
export type DataConnect = () => Promise<DataSession>;

export interface CopyOptions {
  /** Keyword added to every copy (default `$Migrated`); null copies flags exactly. */
  readonly mark: string | null;
  readonly rules: readonly FolderRule[];
  /** Destination folder holding the whole copied tree. */
  readonly underFolder?: string;
  readonly sourcePrefix?: string;
  readonly destPrefix?: string;
  /** Folders copied at the same time, each over its own pair of connections (default 4). */
  readonly lanes?: number;
  /** Re-read every copy and compare its sha256 (default true). */
  readonly verify?: boolean;
  /** Also re-read the copies earlier runs verified: finds copies deleted or altered since. */
  readonly reverify?: boolean;
  /** Trust anchors (PEM) for re-verifying PEC signatures; without, only integrity is judged. */
  readonly trustAnchorsPem?: readonly string[];
  readonly throttle?: Throttle;
  /** Reconnections tried after a lost connection or a busy server, per folder (default 5). */
  readonly retries?: number;
  /** First backoff delay, doubled each time (default 1000 ms). */
  readonly backoffMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CopyEvent) => void;
}

export type CopyEvent =
  | { readonly type: 'planned'; readonly messages: number; readonly bytes: number; readonly folders: readonly { source: string; messages: number; bytes: number }[] }
  | { readonly type: 'progress'; readonly folder: string; readonly messages: number; readonly bytes: number }
  | { readonly type: 'folder-done'; readonly folder: FolderReport }
  | { readonly type: 'warning'; readonly code: MigrateErrorCode; readonly message: string }
  | { readonly type: 'retry'; readonly folder: string; readonly attempt: number; readonly delayMs: number; readonly reason: string };

export interface MessageError {
  readonly uid: number;
  readonly code: MigrateErrorCode;
  readonly reason: string;
}

export interface FolderReport {
  readonly source: string;
  readonly destination: string;
  /** Messages and bytes in the source folder at the scan. */
  readonly messages: number;
  readonly bytes: number;
  /** Copied by this run. */
  copied: number;
  copiedBytes: number;
  /** Already in the destination from an earlier run (the identity map said so). */
  skipped: number;
  /**
   * Of the skipped, those found by content after the source folder was renumbered (its
   * UIDVALIDITY changed since the run that copied them; see copy/earlier.ts).
   */
  rematched: number;
  failed: number;
  /** Re-read from the destination and found identical, by this run or an earlier one. */
  verified: number;
  /** PEC messages whose signature was re-checked after the copy, and how many are intact. */
  pecChecked: number;
  pecIntact: number;
  /** Messages whose flags or keywords the destination could not keep. */
  flagsDropped: number;
  readonly errors: MessageError[];
  /** Why the folder could not be (fully) copied, when the cause was the folder, not a message. */
  error?: { code: string; message: string };
}

export type RunStatus = 'success' | 'partial' | 'failure';

export interface MailboxReport {
  readonly source: string;
  readonly destination: string;
  status: RunStatus;
  readonly folders: FolderReport[];
  /** Source folders left out by rules or because they are virtual. */
  readonly excluded: string[];
  readonly warnings: { code: MigrateErrorCode; message: string }[];
  /** Why the run stopped, when it failed as a whole. */
  error?: { code: string; message: string };
  durationMs: number;
}

/** The store's migration maps as this package uses them (structurally: no import of the store). */
export interface MigrationMapsPort {
  recordCopied(jobId: number, entries: readonly JobEntry[]): Promise<void>;
  copiedUids(jobId: number, sourceFolder: string, uidValidity: number): Promise<Set<number>>;
  entries(jobId: number, sourceFolder: string, uidValidity: number, state: EntryState): Promise<JobEntry[]>;
  forgetPending(jobId: number, sourceFolder: string, uidValidity: number, uids: readonly number[]): Promise<void>;
  maxDestUid(jobId: number, destFolder: string, destUidValidity: number): Promise<number>;
  uidValidities(jobId: number, sourceFolder: string): Promise<number[]>;
  markVerified(jobId: number, sourceFolder: string, uidValidity: number, uids: readonly number[]): Promise<void>;
  markFailed(jobId: number, sourceFolder: string, uidValidity: number, uid: number, error: string): Promise<void>;
}

/** The identity map of job `jobId`. */
export function bindJob(maps: MigrationMapsPort, jobId: number): JobMap {
  return {
    record: (e) => maps.recordCopied(jobId, e),
    copiedUids: (f, v) => maps.copiedUids(jobId, f, v),
    entries: (f, v, s) => maps.entries(jobId, f, v, s),
    forgetPending: (f, v, u) => maps.forgetPending(jobId, f, v, u),
    maxDestUid: (f, v) => maps.maxDestUid(jobId, f, v),
    uidValidities: (f) => maps.uidValidities(jobId, f),
    markVerified: (f, v, u) => maps.markVerified(jobId, f, v, u),
    markFailed: (f, v, u, e) => maps.markFailed(jobId, f, v, u, e),
  };
}
