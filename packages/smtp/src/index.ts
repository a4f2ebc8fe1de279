/**
 * @recapito/smtp: the SMTP protocol of a PEC provider. Listeners for submission and for
 * inter-provider relay (a backend supplied by the provider decides everything), an outbound
 * client, and the mail route lookup. Knows no store.
 */
export { createSmtpListener } from './server.ts';
export { sendMessage } from './client.ts';
export type { OutboundMessage, SendOptions, SendResult } from './client.ts';
export { resolveRoute, parseHostPort } from './route.ts';
export type { SmtpRoute, MxResolver, RouteDeps } from './route.ts';
export { SMTP_ERRORS, SmtpSendError } from './errors.ts';
export type { SmtpErrorCode, SmtpServerReply, RcptRejection } from './errors.ts';
export { SMTP_REPLIES, normalizeReply } from './replies.ts';
export { AuthFailureLimiter, DEFAULT_AUTH_LIMITS } from './auth-limiter.ts';
export type {
  AuthLimits, SmtpAuthResult, SmtpBackend, SmtpListener, SmtpListenerOptions, SmtpLogger, SmtpMode, SmtpReply, SmtpSession,
} from './types.ts';
export { createSessionServer, type ServedSession, type SessionServer, type SessionServerOptions } from './session-server.ts';
