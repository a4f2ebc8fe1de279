/**
 * The IMAP listener: implicit TLS (`imaps`, port 993, RFC 8314 §3.3) or plaintext with
 * STARTTLS (`imap-starttls`, port 143). Sessions are bounded in number; closing the listener
 * sends BYE to every session (RFC 3501 §7.1.5) and waits for them to end.
 */
import { createSecureContext } from 'node:tls';
import { AuthFailureLimiter, createSessionServer } from '@recapito/smtp';
import { ImapSession, type SessionDeps } from './session.ts';
import { ViewCache } from './view-cache.ts';
import type { ImapListener, ImapListenerOptions } from './types.ts';

/** RFC 3501 §5.4: the autologout timer is at least 30 minutes. */
const DEFAULT_SOCKET_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_MAX_CLIENTS = 1000;
const DEFAULT_IDLE_POLL_MS = 1000;
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export function createImapListener(opts: ImapListenerOptions): ImapListener {
  const deps: SessionDeps = {
    mode: opts.mode,
    hostname: opts.hostname,
    backend: opts.backend,
    limiter: new AuthFailureLimiter(opts.authLimits, opts.clock),
    secureContext: createSecureContext({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' }),
    socketTimeoutMs: opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    idlePollMs: opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS,
    maxMessageBytes: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    headerViews: new ViewCache(),
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  return createSessionServer({
    ...(opts.mode === 'imaps' ? { implicitTls: opts.tls } : {}),
    maxClients: opts.maxClients ?? DEFAULT_MAX_CLIENTS,
    session: (sock, secure) => new ImapSession(sock, secure, deps),
    refusal: '* BYE Too many connections, retry later / troppe connessioni, riprovare\r\n',
    label: 'imap',
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}
