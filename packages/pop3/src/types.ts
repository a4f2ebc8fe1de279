/**
 * Public types of the POP3 listener: the maildrop backend the provider supplies and the
 * listener options. The protocol package knows no store.
 */
import type { Clock } from '@recapito/core';
import type { AuthLimits } from '@recapito/smtp';

/** One message of a maildrop as POP3 exposes it. */
export interface Pop3Message {
  /** Unique id, stable forever for this message (RFC 1939 §7, UIDL). */
  readonly uid: string;
  /** Size in octets exactly as RETR sends them, before dot-stuffing (RFC 1939 §5 LIST). */
  readonly size: number;
}

/** A maildrop opened at login; the listener holds it until the session ends. */
export interface Pop3Maildrop {
  /** When true DELE is refused with `-ERR [SYS/PERM]` while reading works. */
  readonly readOnly: boolean;
  /**
   * When present, asked at every DELE instead of `readOnly`, so that switching a mailbox
   * read-only takes effect on sessions already open.
   */
  isReadOnly?(): Promise<boolean>;
  /** The messages, a snapshot taken at login (RFC 1939 §4: numbers are fixed for the session). */
  list(): Promise<readonly Pop3Message[]>;
  /** The exact stored bytes of a message, CRLF line ends. */
  retrieve(uid: string): Promise<Uint8Array>;
  /** Removes messages; called once, at QUIT in the UPDATE state (RFC 1939 §6). */
  delete(uids: readonly string[]): Promise<void>;
  /** Called when the session ends, however it ends (e.g. to free a maildrop lock). */
  release?(): Promise<void>;
}

/** Connection facts handed to the backend at login. */
export interface Pop3ConnectionInfo {
  remoteAddress: string;
  /** True when the connection is under TLS (implicit or after STLS). */
  secure: boolean;
}

/** Outcome of a login attempt. */
export type Pop3AuthResult =
  | { ok: true; maildrop: Pop3Maildrop }
  | { ok: false; code: 'AUTH' | 'IN-USE' | 'SYS/TEMP'; message: string };

/** What the provider supplies: checks credentials and opens the maildrop. */
export interface Pop3Backend {
  authenticate(user: string, password: string, s: Pop3ConnectionInfo): Promise<Pop3AuthResult>;
}

/** Structured logger (pino-compatible subset). */
export interface Pop3Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * - `pop3s`: implicit TLS from the first byte (port 995, RFC 8314 §3.3).
 * - `pop3-stls`: plaintext with STLS (port 110, RFC 2595 §4); no credentials before TLS.
 */
export type Pop3Mode = 'pop3s' | 'pop3-stls';

/** Options of {@link createPop3Listener}. */
export interface Pop3ListenerOptions {
  mode: Pop3Mode;
  /** PEM key and certificate. */
  tls: { key: string; cert: string };
  /** Name in the greeting. */
  hostname: string;
  backend: Pop3Backend;
  logger?: Pop3Logger;
  /** Failed-login limits; defaults to 5 failures in 10 minutes. */
  authLimits?: Partial<AuthLimits>;
  /** Time source of the failed-login limiter. */
  clock?: Clock;
  /** Idle timeout; default 10 minutes (RFC 1939 §3 autologout timer). */
  socketTimeoutMs?: number;
  /** Concurrent connections; further ones get `-ERR [SYS/TEMP]` and are closed. Default 200. */
  maxClients?: number;
}

/** A started or startable listener. */
export interface Pop3Listener {
  listen(port: number, host: string): Promise<{ port: number }>;
  /** Stops accepting and ends every session without applying deletions. */
  close(): Promise<void>;
}
