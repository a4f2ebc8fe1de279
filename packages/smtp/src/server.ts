/**
 * SMTP listeners over smtp-server: message submission with implicit TLS (RFC 8314) or STARTTLS
 * (RFC 6409 + RFC 3207) and mandatory AUTH (RFC 4954), and the inter-provider relay listener
 * (RFC 5321, port 25 style) that offers STARTTLS but also takes ordinary plaintext mail.
 * The listener knows no store: every decision goes to the {@link SmtpBackend}.
 */
import { AuthFailureLimiter } from './auth-limiter.ts';
import { RecapitoSmtpServer } from './connection.ts';
import { createHandlers } from './handlers.ts';
import { SMTP_REPLIES, formatReplyText } from './replies.ts';
import type { SmtpListener, SmtpListenerOptions, SmtpLogger } from './types.ts';

/** RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command. */
const DEFAULT_SOCKET_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_MAX_CLIENTS = 100;
const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

const silent: SmtpLogger = { info: () => undefined, warn: () => undefined };

/** A logger that cannot throw into a socket callback (a failing logger must not crash us). */
function guarded(logger: SmtpLogger): SmtpLogger {
  const call = (level: 'info' | 'warn', obj: Record<string, unknown>, msg: string): void => {
    try {
      logger[level](obj, msg);
    } catch {
      // logging is best effort
    }
  };
  return { info: (obj, msg) => call('info', obj, msg), warn: (obj, msg) => call('warn', obj, msg) };
}

/**
 * Creates a listener (not yet listening). Submission modes require `backend.authenticate`.
 * Throws on invalid options or unreadable TLS material.
 */
export function createSmtpListener(opts: SmtpListenerOptions): SmtpListener {
  const submission = opts.mode !== 'inbound';
  if (!['submission-tls', 'submission-starttls', 'inbound'].includes(opts.mode)) {
    throw new TypeError(`createSmtpListener: unknown mode ${JSON.stringify(opts.mode)}`);
  }
  if (submission && typeof opts.backend.authenticate !== 'function') {
    throw new TypeError(`createSmtpListener: mode ${opts.mode} requires backend.authenticate`);
  }
  for (const [name, value] of [['maxMessageBytes', opts.maxMessageBytes], ['maxRecipients', opts.maxRecipients]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`createSmtpListener: ${name} must be a positive integer`);
  }
  if (!opts.tls?.key || !opts.tls?.cert) throw new TypeError('createSmtpListener: tls.key and tls.cert are required');

  const logger = opts.logger ? guarded(opts.logger) : silent;
  const inData = new Set<string>();
  let closing: Promise<void> | undefined;
  const handlers = createHandlers({
    backend: opts.backend,
    logger,
    ...(submission ? { limiter: new AuthFailureLimiter(opts.authLimits, opts.clock) } : {}),
    maxMessageBytes: opts.maxMessageBytes,
    inData,
    onDataDone(sessionId) {
      // While closing, a session whose message just got its reply is ended at once.
      // (`smtp` is defined below; handlers only run once it exists.)
      if (closing) setImmediate(() => smtp.closeSessions((id) => id !== sessionId || inData.has(id)));
    },
  });

  const smtp = new RecapitoSmtpServer({
    secure: opts.mode === 'submission-tls',
    key: opts.tls.key,
    cert: opts.tls.cert,
    minVersion: 'TLSv1.2',
    name: opts.hostname,
    size: opts.maxMessageBytes, // SIZE, RFC 1870
    maxRecipients: opts.maxRecipients,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    authRequiredMessage: formatReplyText(SMTP_REPLIES.authRequired),
    allowInsecureAuth: false,
    disabledCommands: submission ? [] : ['AUTH'],
    hideENHANCEDSTATUSCODES: false, // RFC 2034
    hideDSN: true,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    socketTimeout: opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    closeTimeout: opts.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    maxClients: opts.maxClients ?? DEFAULT_MAX_CLIENTS,
    logger: false,
    ...handlers,
  });
  smtp.greetingDelayMs = opts.greetingDelayMs ?? (submission ? 0 : 100);
  smtp.on('error', (err: NodeJS.ErrnoException) => {
    // Client-side failures (TLS handshakes, resets) and listener errors: logged, never fatal.
    logger.warn({ mode: opts.mode, err: { message: err.message, code: err.code } }, 'smtp listener error');
  });

  return {
    listen(port: number, host: string): Promise<{ port: number }> {
      return new Promise((resolve, reject) => {
        const net = smtp.server;
        const onError = (err: Error): void => {
          net.off('listening', onListening);
          reject(err);
        };
        const onListening = (): void => {
          net.off('error', onError);
          const address = net.address();
          const bound = typeof address === 'object' && address ? address.port : port;
          logger.info({ mode: opts.mode, host, port: bound }, 'smtp listener started');
          resolve({ port: bound });
        };
        net.once('error', onError);
        net.once('listening', onListening);
        smtp.listen(port, host);
      });
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        // Stops accepting; commands arriving from now on get 421 (RFC 5321 §3.8). Sessions in
        // DATA may finish until closeTimeout, after which the library ends them with 421.
        smtp.close(() => {
          logger.info({ mode: opts.mode }, 'smtp listener stopped');
          resolve();
        });
        smtp.closeSessions((id) => inData.has(id));
      });
      return closing;
    },
  };
}
