/**
 * Turns imapflow's errors into {@link MigrateError}s. imapflow marks them with properties rather
 * than classes: `authenticationFailed`, `tlsFailed`, `serverResponseCode` (the RFC 5530 response
 * code of a tagged NO/BAD), `responseText`, and Node's socket `code`. Details name the operation
 * and the server's answer only: the password is never part of a command we report.
 */
import { MigrateError } from '../errors.ts';

interface FlowError {
  readonly code?: unknown;
  readonly authenticationFailed?: unknown;
  readonly tlsFailed?: unknown;
  readonly serverResponseCode?: unknown;
  readonly responseText?: unknown;
  readonly message?: unknown;
}

/** Socket-level failures: the server is not there, or went away. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);
/** imapflow's codes for a connection that closed under a running command. */
const CLOSED = new Set(['NoConnection', 'EConnectionClosed', 'ClosedAfterConnectTLS', 'ClosedAfterConnectText']);

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Server text is untrusted: one short line, printable ASCII only. */
const oneLine = (s: string): string => s.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);

function isTlsError(e: FlowError): boolean {
  if (e.tlsFailed === true) return true;
  const code = text(e.code);
  // OpenSSL verification codes (X509_V_ERR_* names) and Node's ERR_TLS_* / ERR_SSL_*.
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_(TLS|SSL)_|HOSTNAME_MISMATCH/.test(code);
}

/** Maps a failure of `connect()` (greeting, STARTTLS, login). */
export function connectError(err: unknown, where: string): MigrateError {
  const e = (err ?? {}) as FlowError;
  const code = text(e.code);
  if (e.authenticationFailed === true) {
    const rc = text(e.serverResponseCode);
    return new MigrateError('AUTH_FAILED', `${where}${rc ? `: ${rc}` : ''}`, { cause: err });
  }
  if (isTlsError(e)) return new MigrateError('TLS_FAILED', `${where}: ${code || oneLine(text(e.message))}`, { cause: err });
  return new MigrateError('CONNECT_FAILED', `${where}: ${code || oneLine(text(e.message)) || 'no answer'}`, { cause: err });
}

/** Maps a failure of a command on an open session; `what` names the command and folder. */
export function commandError(err: unknown, what: string): MigrateError {
  if (err instanceof MigrateError) return err;
  const e = (err ?? {}) as FlowError;
  const code = text(e.code);
  if (CLOSED.has(code) || NETWORK.has(code)) return new MigrateError('CONNECTION_LOST', `${what}: ${code}`, { cause: err });
  const rc = text(e.serverResponseCode).toUpperCase();
  // RFC 5530 §3: OVERQUOTA is the one code that tells "full" apart from other refusals.
  if (rc === 'OVERQUOTA') return new MigrateError('OVER_QUOTA', what, { cause: err });
  const answer = oneLine(text(e.responseText) || text(e.message));
  // RFC 7889 §4: TOOBIG; RFC 5530 §3: UNAVAILABLE and INUSE are temporary, so the caller backs off.
  if (rc === 'TOOBIG') return new MigrateError('MESSAGE_TOO_BIG', `${what}: ${answer}`, { cause: err });
  if (rc === 'UNAVAILABLE' || rc === 'INUSE') return new MigrateError('SERVER_BUSY', `${what}: [${rc}] ${answer}`, { cause: err });
  return new MigrateError('IMAP_COMMAND_FAILED', `${what}: ${rc ? `[${rc}] ` : ''}${answer}`, { cause: err });
}
