/**
 * The contract between the SMTP listeners and the provider that plugs a backend in. This
 * package speaks the protocol only: it knows no store, no mailbox and no PEC rule.
 */
import type { Clock } from '@recapito/core';

/** What a listener knows about one SMTP session, handed to every backend call. */
export interface SmtpSession {
  /** Random session identifier, also used in log entries. */
  id: string;
  /** Client IP address (IPv4-mapped IPv6 addresses appear in their IPv4 form). */
  remoteAddress: string;
  /** True on implicit TLS, or after a successful STARTTLS (RFC 3207). */
  secure: boolean;
  /** The authenticated user as returned by `SmtpBackend.authenticate` (RFC 4954). */
  user?: string;
}

/**
 * A refusal: an SMTP reply code (RFC 5321 §4.2, 4yz transient or 5yz permanent), an enhanced
 * status code (RFC 3463, `class.subject.detail`) and a one-line text.
 */
export interface SmtpReply {
  code: number;
  enhanced: string;
  message: string;
}

/** Result of a login attempt. */
export type SmtpAuthResult = { ok: true; user: string } | { ok: false; reply: SmtpReply };

/**
 * What the provider implements. Every method returns `undefined` to accept, or a reply to
 * refuse; a thrown error becomes a generic transient reply and is logged.
 */
export interface SmtpBackend {
  /** Checks credentials (AUTH PLAIN or LOGIN, RFC 4954). Required by the submission modes. */
  authenticate?(username: string, password: string, s: SmtpSession): Promise<SmtpAuthResult>;
  /** Validates the reverse-path of MAIL FROM (empty string for the null sender). */
  mailFrom(address: string, s: SmtpSession): Promise<SmtpReply | undefined>;
  /** Validates one forward-path of RCPT TO. */
  rcptTo(address: string, s: SmtpSession, mailFrom: string): Promise<SmtpReply | undefined>;
  /** Called with the whole message (CRLF, dot-unstuffed) once DATA ends; resolve only after the message is durable. */
  data(message: Uint8Array, envelope: { mailFrom: string; rcptTo: string[] }, s: SmtpSession): Promise<SmtpReply | undefined>;
}

/** Minimal structured logger. Passwords and message bodies are never passed to it. */
export interface SmtpLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * - `submission-tls`: implicit TLS (port 465 style, RFC 8314), AUTH required before MAIL.
 * - `submission-starttls`: STARTTLS (RFC 3207) required before AUTH, AUTH required before MAIL
 *   (port 587 style, RFC 6409).
 * - `inbound`: port 25 style relay between providers: STARTTLS offered, plaintext accepted,
 *   no AUTH.
 */
export type SmtpMode = 'submission-tls' | 'submission-starttls' | 'inbound';

/** Limits on failed logins, applied per username and per client address separately. */
export interface AuthLimits {
  /** Failures tolerated inside the window; the next attempt is refused. */
  maxFailures: number;
  /** Length of the sliding window, milliseconds. */
  windowMs: number;
}

/** Options of {@link createSmtpListener}. */
export interface SmtpListenerOptions {
  mode: SmtpMode;
  /** PEM key and certificate chain presented on implicit TLS and STARTTLS. */
  tls: { key: string; cert: string };
  /** Our host name, used in the greeting and the EHLO reply. */
  hostname: string;
  /** Largest accepted message in bytes, advertised with SIZE (RFC 1870). */
  maxMessageBytes: number;
  /** Most RCPT TO accepted per transaction; further ones get 452 4.5.3 (RFC 5321 §4.5.3.1.10). */
  maxRecipients: number;
  backend: SmtpBackend;
  /** Idle time after which a session is closed with 421; default 5 minutes (RFC 5321 §4.5.3.2.7). */
  socketTimeoutMs?: number;
  /** Most simultaneous sessions; further clients get 421; default 100. */
  maxClients?: number;
  logger?: SmtpLogger;
  /** Failed-login limits; defaults to 5 failures in 10 minutes. */
  authLimits?: Partial<AuthLimits>;
  /** Time source of the failed-login limiter (tests drive it by hand). */
  clock?: Clock;
  /** How long `close()` lets sessions in DATA finish before cutting them off; default 30 s. */
  closeTimeoutMs?: number;
  /**
   * Pause before the 220 greeting, catching clients that talk before it (a spam heuristic for
   * port 25). Default 100 ms in `inbound` mode, 0 for submission.
   */
  greetingDelayMs?: number;
}

/** A listener created by {@link createSmtpListener}. */
export interface SmtpListener {
  /** Starts accepting connections; port 0 picks a free port, returned. */
  listen(port: number, host: string): Promise<{ port: number }>;
  /**
   * Graceful stop: stops accepting, ends idle sessions with 421, lets sessions in DATA finish
   * (up to `closeTimeoutMs`), then resolves.
   */
  close(): Promise<void>;
}
