/**
 * The replies the listeners send on their own behalf, and the mapping of backend replies onto
 * the wire. Reply codes follow RFC 5321 §4.2.3; enhanced status codes follow RFC 3463 and are
 * advertised with ENHANCEDSTATUSCODES (RFC 2034).
 */
import type { SmtpReply } from './types.ts';

/** Every reply this package sends by itself, by purpose. */
export const SMTP_REPLIES = {
  /** RFC 4954 §6: a command other than AUTH, EHLO, STARTTLS, NOOP, RSET or QUIT before login. */
  authRequired: { code: 530, enhanced: '5.7.0', message: 'Authentication required' },
  /** RFC 3207 §4: AUTH on a submission port before STARTTLS. */
  tlsRequired: { code: 530, enhanced: '5.7.0', message: 'Must issue a STARTTLS command first' },
  /** RFC 4954 §6: wrong user name or password. */
  authInvalid: { code: 535, enhanced: '5.7.8', message: 'Authentication credentials invalid' },
  /** RFC 4954 §6: the login cannot be checked right now (backend failure). */
  authTemporary: { code: 454, enhanced: '4.7.0', message: 'Temporary authentication failure' },
  /** Too many failed logins for this user or address; refused even with the right password. */
  authRateLimited: {
    code: 454, enhanced: '4.7.0',
    message: 'Too many failed login attempts, try again later',
  },
  /** RFC 1870 §6 and RFC 3463 (X.3.4): the message exceeds the advertised SIZE. */
  messageTooBig: { code: 552, enhanced: '5.3.4', message: 'Message exceeds fixed maximum message size' },
  /** RFC 5321 §4.5.3.1.10 and RFC 3463 (X.5.3): recipient buffer full. */
  tooManyRecipients: { code: 452, enhanced: '4.5.3', message: 'Too many recipients' },
  /** RFC 5321 §4.2.3: a local failure (a backend error); the client should retry later. */
  localError: { code: 451, enhanced: '4.3.0', message: 'Requested action aborted: local error in processing' },
  /** RFC 5321 §3.8 and RFC 3463 (X.3.2): the listener is stopping. */
  shuttingDown: { code: 421, enhanced: '4.3.2', message: 'Service shutting down, closing transmission channel' },
} as const satisfies Record<string, SmtpReply>;

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the code and CRLF. */
const MAX_TEXT = 400;

/**
 * Makes a backend reply safe to send: a 4yz or 5yz code (anything else is a backend bug and
 * becomes {@link SMTP_REPLIES.localError}), an enhanced code whose class matches the reply
 * class (RFC 3463 §2), and a single line of printable text of bounded length.
 * Returns `undefined` when the reply is unusable.
 */
export function normalizeReply(reply: SmtpReply): SmtpReply | undefined {
  const code = Number(reply.code);
  if (!Number.isInteger(code) || code < 400 || code > 599) return undefined;
  const cls = String(code)[0] as '4' | '5';
  const m = ENHANCED.exec(String(reply.enhanced ?? '').trim());
  const enhanced = m ? `${cls}.${Number(m[2])}.${Number(m[3])}` : `${cls}.0.0`;
  // eslint-disable-next-line no-control-regex
  let message = String(reply.message ?? '').replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  if (message.length > MAX_TEXT) message = message.slice(0, MAX_TEXT);
  return { code, enhanced, message: message || (cls === '4' ? 'Try again later' : 'Rejected') };
}

/** An error as smtp-server expects from its handlers: the code in `responseCode`. */
export interface ReplyError extends Error {
  responseCode: number;
}

/**
 * Turns a reply into the error smtp-server sends back. The enhanced code leads the text; the
 * connection layer recognises it and sends it in place of its own default (see connection.ts).
 */
export function replyError(reply: SmtpReply): ReplyError {
  const err = new Error(formatReplyText(reply)) as ReplyError;
  err.responseCode = reply.code;
  return err;
}

/** `enhanced text`, the part of a reply line after the code. */
export function formatReplyText(reply: SmtpReply): string {
  return `${reply.enhanced} ${reply.message}`;
}

/** Splits a reply text that starts with an enhanced status code; `undefined` otherwise. */
export function splitEnhanced(text: string): { enhanced: string; message: string } | undefined {
  const m = /^([245]\.\d{1,3}\.\d{1,3}) (.*)$/s.exec(text);
  return m ? { enhanced: m[1] as string, message: m[2] as string } : undefined;
}
