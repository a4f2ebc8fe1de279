/**
 * Errors thrown by the store. Expected conditions (a duplicate mailbox, a full quota, a missing
 * blob) always surface as a StoreError with one of these codes, never as a raw driver error, so
 * the protocol servers and the CLI can map them to their replies.
 */
import { RecapitoError } from '@recapito/core';

/** Store codes with a one-line description each. */
export const STORE_ERRORS = {
  MAILBOX_EXISTS: 'A mailbox with this address already exists.',
  MAILBOX_NOT_FOUND: 'No mailbox has this address or id.',
  FOLDER_EXISTS: 'The mailbox already has a folder with this name.',
  FOLDER_NOT_FOUND: 'The mailbox has no folder with this name or id.',
  QUOTA_EXCEEDED: 'The message does not fit in the mailbox quota.',
  BLOB_NOT_FOUND: 'No stored blob has this SHA-256 id.',
  BLOB_IN_USE: 'The blob is still referenced by a message or an outbox entry and cannot be deleted.',
  JOB_NOT_FOUND: 'No queued job has this id.',
  OUTBOX_NOT_FOUND: 'No outbox entry has this id.',
  TRANSACTION_EXISTS: 'A PEC transaction with this message identifier already exists.',
  TRANSACTION_NOT_FOUND: 'No PEC transaction (or no such recipient in it) has this identifier.',
  MIGRATION_NOT_FOUND: 'No migration job has this id, or the job has no entry for this source message.',
  INVALID_INPUT: 'An argument is malformed (address without a domain, invalid date, bad name).',
  STORE_CONFIG_INVALID: 'The store options are invalid (unsupported URL scheme, bad schema name).',
  STORE_UNAVAILABLE: 'The database cannot be opened or reached.',
  STORE_BUSY: 'The database stayed locked by another process for longer than the busy timeout.',
} as const;

/** One of {@link STORE_ERRORS}. */
export type StoreErrorCode = keyof typeof STORE_ERRORS;

/** Thrown by every store operation for expected failures; `code` is one of {@link STORE_ERRORS}. */
export class StoreError extends RecapitoError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? STORE_ERRORS[code], options);
    this.name = 'StoreError';
  }
}
