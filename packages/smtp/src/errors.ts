/**
 * Failures of outbound delivery (client.ts, route.ts). Each carries a stable code from
 * {@link SMTP_ERRORS} and whether trying again later may succeed (RFC 5321 §4.2.1: 4yz replies
 * and connection problems are transient, 5yz replies permanent).
 */
import { RecapitoError } from '@recapito/core';

/** Codes of the SMTP client and route lookup, with a one-line description each. */
export const SMTP_ERRORS = {
  SMTP_CONNECT: 'The server could not be reached: connection refused, unreachable, name not resolved, or closed before the greeting.',
  SMTP_TLS_REQUIRED: 'TLS is required but the server does not offer STARTTLS (RFC 3207).',
  SMTP_TLS_FAILED: 'STARTTLS was refused or the TLS handshake failed (for instance an untrusted certificate).',
  SMTP_TIMEOUT: 'The server did not answer within the timeout.',
  SMTP_REJECTED: 'The server refused MAIL FROM, every recipient, or the message after DATA; its reply is attached.',
  SMTP_TOO_LARGE: 'The message is larger than the SIZE the server advertises (RFC 1870).',
  SMTP_CONNECTION_LOST: 'The connection broke during the transaction; nothing was confirmed as delivered.',
  SMTP_PROTOCOL: 'The server sent a reply that does not follow the SMTP protocol.',
  SMTP_NO_ROUTE: 'The domain accepts no mail: it does not exist, has a null MX (RFC 7505) or no address.',
  SMTP_DNS: 'The DNS lookup of the mail route failed temporarily.',
} as const;

export type SmtpErrorCode = keyof typeof SMTP_ERRORS;

/** A server reply attached to an error: the reply code and the text after it. */
export interface SmtpServerReply {
  code: number;
  /** Text of the reply, enhanced status code included (e.g. `5.7.1 Relay denied`). */
  message: string;
}

/** One recipient refused by the server at RCPT TO. */
export interface RcptRejection {
  rcpt: string;
  code: number;
  message: string;
  /** True for 5yz (do not retry), false for 4yz (retry later). */
  permanent: boolean;
}

/** Thrown by `sendMessage` and `resolveRoute` when nothing was delivered. */
export class SmtpSendError extends RecapitoError {
  override readonly code: SmtpErrorCode;
  /** True when a later attempt may succeed. */
  readonly transient: boolean;
  /** The server reply behind the failure, when there was one. */
  readonly reply?: SmtpServerReply;
  /** Per-recipient refusals, when every recipient was refused. */
  readonly rejected?: RcptRejection[];

  constructor(
    code: SmtpErrorCode,
    message: string,
    opts: { transient: boolean; reply?: SmtpServerReply; rejected?: RcptRejection[]; cause?: unknown },
  ) {
    super(code, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SmtpSendError';
    this.code = code;
    this.transient = opts.transient;
    if (opts.reply) this.reply = opts.reply;
    if (opts.rejected) this.rejected = opts.rejected;
  }
}
