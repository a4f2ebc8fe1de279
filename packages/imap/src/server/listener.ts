/**
 * The IMAP listener: implicit TLS (`imaps`, port 993, RFC 8314 §3.3) or plaintext with
 * STARTTLS (`imap-starttls`, port 143). Sessions are bounded in number; closing the listener
 * sends BYE to every session (RFC 3501 §7.1.5) and waits for them to end.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { AuthFailureLimiter } from '@recapito/smtp';
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
  const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  const sessions = new Set<ImapSession>();
  let closing = false;

  const accept = (sock: Socket, secure: boolean): void => {
    sock.setNoDelay(true);
    if (closing || sessions.size >= maxClients) {
      sock.on('error', () => undefined);
      sock.end('* BYE Too many connections, retry later / troppe connessioni, riprovare\r\n');
      return;
    }
    const session = new ImapSession(sock, secure, deps);
    sessions.add(session);
    void session.done.then(() => sessions.delete(session));
    void session.start();
  };

  let server: Server;
  if (opts.mode === 'imaps') {
    const tlsServer = createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: 30_000 }, (sock) => accept(sock, true));
    tlsServer.on('tlsClientError', (e, sock) => {
      opts.logger?.info({ err: e.message, remoteAddress: sock.remoteAddress }, 'imaps handshake failed');
      sock.destroy();
    });
    server = tlsServer;
  } else {
    server = createNetServer((sock) => accept(sock, false));
  }
  server.on('error', (e) => opts.logger?.warn({ err: e.message }, 'imap listener error'));

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve({ port: typeof address === 'object' && address ? address.port : port });
        });
      });
    },
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sessions) s.abort();
      await Promise.all([...sessions].map((s) => s.done));
      await stopped;
    },
  };
}
