/**
 * The smtp-server callbacks that connect a session to the provider's {@link SmtpBackend}:
 * login (RFC 4954) with the failed-login limiter, MAIL FROM and RCPT TO (RFC 5321 §4.1.1.2–3),
 * and DATA collected in memory up to the size limit (RFC 1870) and handed over in one piece.
 */
import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { AuthFailureLimiter } from './auth-limiter.ts';
import { SMTP_REPLIES, formatReplyText, normalizeReply, replyError } from './replies.ts';
import type { SmtpBackend, SmtpLogger, SmtpReply, SmtpSession } from './types.ts';

/** What the callbacks need from the listener. */
export interface HandlerContext {
  backend: SmtpBackend;
  logger: SmtpLogger;
  /** Present in the submission modes. */
  limiter?: AuthFailureLimiter;
  maxMessageBytes: number;
  /** Ids of sessions whose DATA is being received or stored; close() lets them finish. */
  inData: Set<string>;
  /** Called once the reply to a message has been sent. */
  onDataDone?(sessionId: string): void;
}

type Handlers = Required<Pick<SMTPServerOptions, 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData'>>;

/** Builds the smtp-server callbacks for one listener. */
export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    onAuth(auth, session, callback) {
      authenticate(ctx, auth, session)
        .catch(() => refuse(SMTP_REPLIES.authTemporary)) // e.g. a throwing logger: still answer
        .then((r) => callback(null, r));
    },
    onMailFrom(address, session, callback) {
      const s = toSession(session);
      settle(ctx, 'mailFrom', s, () => ctx.backend.mailFrom(address.address, s), callback);
    },
    onRcptTo(address, session, callback) {
      const s = toSession(session);
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      settle(ctx, 'rcptTo', s, () => ctx.backend.rcptTo(address.address, s, mailFrom), callback);
    },
    onData(stream, session, callback) {
      const s = toSession(session);
      const envelope = {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
      };
      ctx.inData.add(s.id);
      const chunks: Buffer[] = [];
      let received = 0;
      let oversize = false;
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (oversize) return; // keep reading to the end of DATA, keep nothing
        if (received > ctx.maxMessageBytes) {
          oversize = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', () => {
        // The client went away mid-message; nothing will be answered.
        chunks.length = 0;
        ctx.inData.delete(s.id);
      });
      stream.on('end', () => {
        const done = (err?: Error | null): void => {
          ctx.inData.delete(s.id);
          callback(err);
          ctx.onDataDone?.(s.id);
        };
        if (oversize) {
          ctx.logger.info({ session: s.id, bytes: received, limit: ctx.maxMessageBytes }, 'message refused: over the size limit');
          const r = SMTP_REPLIES.messageTooBig;
          return done(replyError({ ...r, message: `${r.message} (${ctx.maxMessageBytes} bytes)` }));
        }
        const message = join(chunks, received);
        chunks.length = 0;
        settle(ctx, 'data', s, () => ctx.backend.data(message, envelope, s), done);
      });
    },
  };
}

/** The one copy: chunks into a fresh, exactly sized array (not a view of a shared pool). */
function join(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** The backend's view of a session. */
function toSession(session: SMTPServerSession): SmtpSession {
  const s: SmtpSession = { id: session.id, remoteAddress: session.remoteAddress, secure: session.secure };
  if (typeof session.user === 'string') s.user = session.user;
  return s;
}

/**
 * Runs a backend call and answers smtp-server: nothing on acceptance, the normalised reply on a
 * refusal, 451 4.3.0 on an exception or an unusable reply (logged, never thrown).
 */
function settle(
  ctx: HandlerContext, what: string, s: SmtpSession,
  call: () => Promise<SmtpReply | undefined>, callback: (err?: Error | null) => void,
): void {
  Promise.resolve()
    .then(call)
    .then(
      (reply) => {
        if (reply === undefined) return null;
        const normalized = normalizeReply(reply);
        if (normalized) return replyError(normalized);
        ctx.logger.warn({ session: s.id, what, code: reply.code }, 'backend returned an unusable reply');
        return replyError(SMTP_REPLIES.localError);
      },
      (err: unknown) => {
        ctx.logger.warn({ session: s.id, what, err: describe(err) }, 'backend failed');
        return replyError(SMTP_REPLIES.localError);
      },
    )
    .catch(() => replyError(SMTP_REPLIES.localError)) // e.g. a throwing logger: still answer
    .then((err) => callback(err));
}

/** AUTH PLAIN / LOGIN: limiter first, then the backend. Never logs the password. */
async function authenticate(
  ctx: HandlerContext, auth: SMTPServerAuthentication, session: SMTPServerSession,
): Promise<SMTPServerAuthenticationResponse> {
  const s = toSession(session);
  const username = auth.username ?? '';
  const log = { session: s.id, user: username, remoteAddress: s.remoteAddress, method: auth.method };
  if (!ctx.backend.authenticate || (auth.method !== 'PLAIN' && auth.method !== 'LOGIN')) {
    return refuse(SMTP_REPLIES.authInvalid);
  }
  if (auth.method === 'PLAIN' && auth.authzid && auth.authcid && auth.authzid !== auth.authcid) {
    // RFC 4616 §2: acting as another identity is not supported.
    ctx.logger.info(log, 'login refused: authorization identity differs');
    return refuse(SMTP_REPLIES.authInvalid);
  }
  const blocked = ctx.limiter?.blocked(username, s.remoteAddress);
  if (blocked) {
    ctx.logger.warn({ ...log, limit: blocked }, 'login refused: too many failed attempts');
    return refuse(SMTP_REPLIES.authRateLimited);
  }
  let result;
  try {
    result = await ctx.backend.authenticate(username, auth.password ?? '', s);
  } catch (err) {
    ctx.logger.warn({ ...log, err: describe(err) }, 'backend failed during login');
    return refuse(SMTP_REPLIES.authTemporary);
  }
  if (result.ok) {
    const user = result.user || username;
    ctx.logger.info({ ...log, user }, 'login');
    return { user };
  }
  const reply = normalizeReply(result.reply) ?? SMTP_REPLIES.authInvalid;
  if (reply.code >= 500) ctx.limiter?.recordFailure(username, s.remoteAddress);
  ctx.logger.info({ ...log, code: reply.code }, 'login failed');
  return refuse(reply);
}

function refuse(reply: SmtpReply): SMTPServerAuthenticationResponse {
  return { message: formatReplyText(reply), responseCode: reply.code };
}

/** A loggable summary of an error (no stack, no payload). */
function describe(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code };
  return { message: String(err) };
}
