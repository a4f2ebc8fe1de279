import { isAscii } from 'node:buffer';
/**
 * Outbound SMTP (RFC 5321) for relaying between providers, over nodemailer's low-level
 * connection: EHLO, STARTTLS (RFC 3207) when offered or required, MAIL FROM with SIZE
 * (RFC 1870) and BODY=8BITMIME (RFC 6152) when the server supports them, RCPT TO per
 * recipient, DATA. The message bytes are streamed as given; the only transformation is the
 * SMTP transparency procedure (RFC 5321 §4.5.2, dot-stuffing), which the receiver undoes.
 * The bytes must already use CRLF line endings: RFC 5321 §2.3.8 forbids bare CR and LF in
 * DATA, and the connection turns them into CRLF. A message not ending in CRLF gets one.
 * 8-bit content is sent as it is even to a server without 8BITMIME (signed content cannot be
 * re-encoded).
 */
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpSendError, type RcptRejection } from './errors.ts';
import { toRejection, toSendError } from './client-errors.ts';
import type { SmtpRoute } from './route.ts';

/** The message to relay: envelope plus the exact bytes (CRLF line endings), in chunks. */
export interface OutboundMessage {
  mailFrom: string;
  rcptTo: string[];
  chunks: readonly Uint8Array[];
}

/** Options of {@link sendMessage}. */
export interface SendOptions {
  /** Our host name, sent with EHLO (RFC 5321 §4.1.1.1). */
  name: string;
  /** Refuse to send unless the session is encrypted with STARTTLS (PEC: RFC 6109 §5.4). */
  requireTls: boolean;
  /**
   * TLS settings. `rejectUnauthorized` defaults to `requireTls`: required TLS verifies the
   * certificate, opportunistic TLS (RFC 7435) encrypts without verifying.
   */
  tls?: { ca?: string[]; rejectUnauthorized?: boolean; servername?: string };
  /**
   * Limit for connecting (greeting and STARTTLS included) and for each wait for a reply.
   * Defaults: 5 minutes to set up, 10 minutes of silence (RFC 5321 §4.5.3.2).
   */
  timeoutMs?: number;
}

/** Outcome of a delivery in which at least one recipient was accepted. */
export interface SendResult {
  accepted: string[];
  rejected: RcptRejection[];
}

const SETUP_TIMEOUT = 5 * 60_000;
const REPLY_TIMEOUT = 10 * 60_000;

/**
 * Delivers one message over one connection to `route`. Resolves when the server accepted the
 * message for at least one recipient (refused recipients are listed with their reply). Throws
 * {@link SmtpSendError} when nothing was delivered: `SMTP_CONNECT`, `SMTP_TLS_REQUIRED`,
 * `SMTP_TLS_FAILED`, `SMTP_TIMEOUT`, `SMTP_TOO_LARGE`, `SMTP_REJECTED` (MAIL FROM, all
 * recipients or DATA refused, with the server reply), `SMTP_CONNECTION_LOST`, `SMTP_PROTOCOL`.
 */
export function sendMessage(route: SmtpRoute, msg: OutboundMessage, opts: SendOptions): Promise<SendResult> {
  if (msg.rcptTo.length === 0) return Promise.reject(new RangeError('sendMessage: no recipients'));
  let size = 0;
  let eightBit = false;
  for (const chunk of msg.chunks) {
    size += chunk.byteLength;
    if (!eightBit) eightBit = hasEightBit(chunk);
  }
  const setupTimeout = opts.timeoutMs ?? SETUP_TIMEOUT;
  const conn = new SMTPConnection({
    host: route.host,
    port: route.port,
    secure: false,
    name: opts.name,
    // Not nodemailer's requireTLS, which sends STARTTLS even when it is not offered: the
    // absence of STARTTLS is detected below and reported as such.
    requireTLS: false,
    opportunisticTLS: !opts.requireTls,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: opts.tls?.rejectUnauthorized ?? opts.requireTls,
      ...(opts.tls?.ca ? { ca: opts.tls.ca } : {}),
      ...(opts.tls?.servername ? { servername: opts.tls.servername } : {}),
    },
    connectionTimeout: setupTimeout,
    greetingTimeout: setupTimeout,
    socketTimeout: opts.timeoutMs ?? REPLY_TIMEOUT,
    logger: false,
  });

  return new Promise<SendResult>((resolve, reject) => {
    let settled = false;
    let connected = false;
    const fail = (err: SmtpSendError): void => {
      if (settled) return;
      settled = true;
      conn.close();
      reject(err);
    };
    const state = (): { connected: boolean; upgrading: boolean } => ({ connected, upgrading: conn.upgrading === true });
    conn.on('error', (err: Error) => fail(toSendError(err, state())));
    conn.connect((err) => {
      if (err) return fail(toSendError(err, state()));
      connected = true;
      // Nagle's algorithm would hold the final "." of DATA behind the peer's delayed ACK.
      (conn as unknown as { _socket?: { setNoDelay?(v: boolean): void } })._socket?.setNoDelay?.(true);
      if (opts.requireTls && !conn.secure) {
        conn.quit();
        return fail(new SmtpSendError('SMTP_TLS_REQUIRED',
          `${route.host}:${route.port} does not offer STARTTLS and TLS is required`, { transient: true }));
      }
      const envelope = { from: msg.mailFrom, to: [...msg.rcptTo], size, use8BitMime: eightBit };
      const body = Readable.from(msg.chunks, { objectMode: false });
      conn.send(envelope, body, (sendErr, info) => {
        if (sendErr) return fail(toSendError(sendErr, state()));
        if (settled) return;
        settled = true;
        const rejected = (info.rejectedErrors ?? []).map(toRejection);
        conn.quit();
        resolve({ accepted: [...info.accepted], rejected });
      });
    });
  });
}

/** True when a chunk holds a byte outside US-ASCII (then BODY=8BITMIME is declared). */
function hasEightBit(chunk: Uint8Array): boolean {
  return !isAscii(chunk);
}
