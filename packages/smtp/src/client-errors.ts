/**
 * Translation of nodemailer connection errors into {@link SmtpSendError}s. Transient or
 * permanent follows the reply class (RFC 5321 §4.2.1: 4yz transient, 5yz permanent); failures
 * without a reply (network, timeouts, TLS) are transient.
 */
import type { SMTPError } from 'nodemailer/lib/smtp-connection';
import { SmtpSendError, type RcptRejection, type SmtpServerReply } from './errors.ts';

/**
 * Parses a server reply (possibly multiline, RFC 5321 §4.2.1) into its code and its text, the
 * lines' texts joined by a space. `undefined` when it does not start with a reply code.
 */
export function parseServerReply(response: string): SmtpServerReply | undefined {
  const lines = response.split(/\r?\n/).filter((l) => l.trim() !== '');
  const m = /^([2-5]\d\d)(?:[ -]|$)/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const texts = lines.map((l) => l.replace(/^\d{3}[ -]?/, '').trim());
  // RFC 2034 §4: every line repeats the enhanced code; keep it once.
  const enhanced = /^[245]\.\d{1,3}\.\d{1,3} /.exec(texts[0] ?? '')?.[0];
  const message = texts.map((t, i) => (i > 0 && enhanced && t.startsWith(enhanced) ? t.slice(enhanced.length) : t)).join(' ');
  return { code: Number(m[1]), message };
}

/** One refused recipient, from nodemailer's per-recipient error. */
export function toRejection(e: SMTPError): RcptRejection {
  const r = parseServerReply(e.response ?? '') ?? { code: e.responseCode ?? 0, message: e.message };
  return { rcpt: e.recipient ?? '', code: r.code, message: r.message, permanent: r.code >= 500 };
}

/**
 * Maps an error of nodemailer's SMTP connection. `state.connected`: the session was set up
 * (greeting, EHLO, STARTTLS); `state.upgrading`: a STARTTLS handshake was under way.
 */
export function toSendError(error: unknown, state: { connected: boolean; upgrading: boolean }): SmtpSendError {
  const err = (error instanceof Error ? error : new Error(String(error))) as SMTPError;
  const reply = err.response ? parseServerReply(err.response) : undefined;
  const withReply = (text: string): string => (reply ? `${text}: ${reply.code} ${reply.message}` : text);
  const base = { cause: err, ...(reply ? { reply } : {}) };
  if (state.upgrading && err.code !== 'ETIMEDOUT') {
    // The TLS handshake failed (certificate not trusted, name mismatch, protocol version).
    const why = err.originalCode ?? err.code ?? 'error';
    return new SmtpSendError('SMTP_TLS_FAILED', `TLS handshake failed: ${why} ${err.message}`.trim(), { ...base, transient: true });
  }
  switch (err.code) {
    case 'ETIMEDOUT':
      return new SmtpSendError('SMTP_TIMEOUT', `timed out (${err.timeoutType ?? 'timeout'})`, { ...base, transient: true });
    case 'ETLS':
      return new SmtpSendError('SMTP_TLS_FAILED', withReply(`STARTTLS failed: ${err.message}`), { ...base, transient: true });
    case 'EDNS':
      return new SmtpSendError('SMTP_CONNECT', `cannot resolve the server name: ${err.message}`, { ...base, transient: true });
    case 'EENVELOPE':
    case 'EMESSAGE':
      return refusal(err, reply, base);
    case 'EPROTOCOL':
      return new SmtpSendError('SMTP_PROTOCOL', withReply('unexpected server reply'), { ...base, transient: true });
    default:
      if (reply && reply.code >= 400) {
        // e.g. 421 (RFC 5321 §3.8): the server is closing the channel.
        return new SmtpSendError('SMTP_REJECTED', withReply('server closed the session'), {
          ...base, transient: reply.code < 500,
        });
      }
      if (!state.connected) {
        const cause = err.originalCode ?? err.code ?? 'error';
        return new SmtpSendError('SMTP_CONNECT', `cannot connect: ${cause} ${err.message}`.trim(), { ...base, transient: true });
      }
      return new SmtpSendError('SMTP_CONNECTION_LOST', `connection lost: ${err.message}`, { ...base, transient: true });
  }
}

/** MAIL FROM, every RCPT TO or DATA refused; or the message is over the server's SIZE. */
function refusal(err: SMTPError, reply: SmtpServerReply | undefined, base: { cause: unknown; reply?: SmtpServerReply }): SmtpSendError {
  if (!reply && err.code === 'EMESSAGE' && err.command === 'MAIL FROM') {
    // nodemailer refuses before sending when the SIZE the server advertised is too small.
    return new SmtpSendError('SMTP_TOO_LARGE', err.message, { ...base, transient: false });
  }
  if (err.command === 'RCPT TO' && err.rejectedErrors?.length) {
    const rejected = err.rejectedErrors.map(toRejection);
    const transient = rejected.some((r) => !r.permanent);
    return new SmtpSendError('SMTP_REJECTED', `every recipient was refused: ${rejected.map((r) => `${r.rcpt} ${r.code} ${r.message}`).join('; ')}`, {
      ...base, transient, rejected,
    });
  }
  if (!reply) {
    // A local refusal of the envelope (e.g. an address with CR/LF): retrying cannot help.
    return new SmtpSendError('SMTP_REJECTED', err.message, { ...base, transient: false });
  }
  const what = err.command === 'MAIL FROM' ? 'MAIL FROM' : err.command === 'DATA' ? 'the message' : (err.command ?? 'the command');
  return new SmtpSendError('SMTP_REJECTED', `server refused ${what}: ${reply.code} ${reply.message}`, {
    ...base, transient: reply.code < 500,
  });
}
