/**
 * Errors of the migration groundwork. Every code carries a one-line meaning that also says what
 * to do, because these texts reach administrators running `recapito migrate` from a terminal.
 * Messages never echo a value that might be a secret (a URL with a password, a credentials cell).
 */
// The errors module alone: the CLI loads the migration without the whole core (startup time).
import { RecapitoError } from '@recapito/core/errors';

/** Migration codes, each with what it means and what to do. */
export const MIGRATE_ERRORS = {
  URL_INVALID: 'The mailbox URL is malformed; write it as imaps://user@host:port or imap://user@host:port.',
  URL_SCHEME_UNSUPPORTED: 'Only imaps:// (TLS from the start, port 993) and imap:// (STARTTLS, port 143) are supported; change the scheme.',
  URL_HAS_PASSWORD: 'The URL contains a password, which would be visible in the process list and shell history; remove ":password" and give it through a password file or an environment variable.',
  URL_HAS_PATH: 'The URL has a path, query or fragment; name only the mailbox (imaps://user@host:port) and choose folders with include/exclude rules.',
  URL_NO_USER: 'The URL names no user; write the login before the host (imaps://user@host), percent-encoding is optional for "@".',
  URL_BAD_HOST: 'The host is not a valid name, IPv4 or bracketed IPv6 address; check the part after the last "@".',
  URL_BAD_PORT: 'The port must be a number from 1 to 65535; omit it to use the default (993 for imaps, 143 for imap).',
  FOLDER_RULE_INVALID: 'A folder rule is invalid; use include or exclude with a non-empty pattern of folder names, "*" and "%", without control characters.',
  FOLDER_OPTIONS_INVALID: 'The folder mapping options are invalid (empty delimiter, bad prefix or destination folder name); correct them.',
  BATCH_FILE_INVALID: 'The batch file cannot be read as CSV or XLSX (not a spreadsheet, damaged, header missing or unknown columns, unterminated quotes); fix the file, or save it again as .xlsx or as CSV UTF-8, and run again.',
  BATCH_FILE_TOO_LARGE: 'The batch file is too large (more than 100,000 rows, or a spreadsheet over the size limit); split it into several files and run them one after another.',
  BATCH_ROW_INVALID: 'A row of the batch file is invalid; fix the cell named in the message and run again.',
  BATCH_CREDENTIALS_INVALID: 'A credentials cell must be env:NAME or a file path (starting with /, ./, ../, ~/ or a drive letter), never a password; put the password in a file or an environment variable.',
  BATCH_OPTION_INVALID: 'An option is unknown or malformed; use key=value pairs separated by ";" with the keys include, exclude, mark, under, source-prefix, dest-prefix.',
  BATCH_DUPLICATE_SOURCE: 'The same source mailbox appears on more than one row; keep one row per source mailbox.',
  AUTH_FAILED: 'The server refused the login; check the user name and the password (file or environment variable) of this mailbox.',
  CONNECT_FAILED: 'The IMAP server cannot be reached; check host, port and scheme (imaps:// for port 993, imap:// for 143) and the firewall.',
  TLS_FAILED: 'The TLS connection failed (certificate not trusted, wrong name or handshake error); give the CA certificate, fix the host name, or accept self-signed certificates explicitly.',
  CONNECTION_LOST: 'The connection to the IMAP server was lost; run again, the migration resumes where it stopped.',
  IMAP_COMMAND_FAILED: 'The IMAP server refused a command; read the server answer in the message and fix the folder or the account.',
  MESSAGE_NOT_FOUND: 'The message is no longer in the source folder (expunged meanwhile); run again to resynchronise.',
  OVER_QUOTA: 'The destination mailbox is full; raise its quota or free space, then run again.',
  MESSAGE_TOO_BIG: 'The destination refused the message as too large (APPENDLIMIT or [TOOBIG], RFC 7889); raise the limit on the destination or move the message by other means, then run again.',
  MESSAGE_REJECTED: 'The destination refused this one message (the server answer is in the report); the run went on with the others; fix the cause and run again to retry it.',
  SERVER_BUSY: 'The server asked to slow down or is temporarily unavailable ([UNAVAILABLE] or [INUSE], RFC 5530); the engine backed off and retried; lower --connections or the rate limits if it persists.',
  FOLDER_CONFLICT: 'Two source folders would land in the same destination folder (for example "Sent" and "Posta inviata"); exclude one of them or copy it under another folder with --under.',
  FOLDER_CHANGED: 'The source folder changed identity (UIDVALIDITY) during the run; run again and the folder is read afresh.',
  VERIFY_MISMATCH: 'The copy read back from the destination differs from the source bytes (sha256); it is recorded as failed and copied again by the next run; check the destination server for altering filters.',
  VERIFY_MISSING: 'A copied message is no longer in the destination folder (deleted meanwhile); the next run copies it again.',
  QUOTA_INSUFFICIENT: 'The destination quota has less free space than the mail still to copy; the run starts anyway and records the messages that do not fit. Raise the quota first to copy everything.',
} as const;

/** One of {@link MIGRATE_ERRORS}. */
export type MigrateErrorCode = keyof typeof MIGRATE_ERRORS;

/** Thrown for invalid input and failed IMAP operations; `code` is one of {@link MIGRATE_ERRORS}. */
export class MigrateError extends RecapitoError {
  declare readonly code: MigrateErrorCode;
  /** `detail` says where or what, appended to the code's meaning. */
  constructor(code: MigrateErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${MIGRATE_ERRORS[code]} (${detail})` : MIGRATE_ERRORS[code], options);
    this.name = 'MigrateError';
  }
}

const isControl = (c: number): boolean => c < 0x20 || (c >= 0x7f && c <= 0x9f);

/** True for C0 controls, DEL and C1 controls: never valid in names, logins or references. */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
}

/** `s` with every control character (as in {@link hasControl}) replaced by `by`. */
export function replaceControls(s: string, by: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += isControl(s.charCodeAt(i)) ? by : s[i];
  return out;
}
