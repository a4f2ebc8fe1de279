/**
 * The POP3 listener: implicit TLS (`pop3s`, port 995, RFC 8314 §3.3) or plaintext with STLS
 * (`pop3-stls`, port 110, RFC 2595 §4). Sessions are bounded in number; closing the listener
 * ends every session without entering the UPDATE state.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { AuthFailureLimiter } from '@recapito/smtp';
import { errLine } from './errors.ts';
import { Pop3Session, type SessionDeps } from './session.ts';
import type { Pop3Listener, Pop3ListenerOptions } from './types.ts';

/** RFC 1939 §3: the autologout timer is at least 10 minutes. */
const DEFAULT_SOCKET_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_CLIENTS = 200;

/** Creates a POP3 listener; call `listen` to start it. */
export function createPop3Listener(opts: Pop3ListenerOptions): Pop3Listener {
  const secureContext = createSecureContext({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' });
  const deps: SessionDeps = {
    mode: opts.mode,
    hostname: opts.hostname,
    backend: opts.backend,
    limiter: new AuthFailureLimiter(opts.authLimits, opts.clock),
    secureContext,
    socketTimeoutMs: opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  const sessions = new Set<Pop3Session>();
  let closing = false;

  const accept = (sock: Socket, secure: boolean): void => {
    if (closing || sessions.size >= maxClients) {
      sock.on('error', () => undefined);
      sock.end(`${errLine('POP3_TOO_MANY_CLIENTS')}\r\n`);
      sock.destroySoon();
      return;
    }
    const session = new Pop3Session(sock, secure, deps);
    sessions.add(session);
    void session.done.then(() => sessions.delete(session));
    void session.start();
  };

  let server: Server;
  if (opts.mode === 'pop3s') {
    const tlsServer = createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: 30_000 }, (sock) => accept(sock, true));
    tlsServer.on('tlsClientError', (e, sock) => {
      opts.logger?.info({ err: e.message, remoteAddress: sock.remoteAddress }, 'pop3s handshake failed');
      sock.destroy();
    });
    server = tlsServer;
  } else {
    server = createNetServer((sock) => accept(sock, false));
  }
  server.on('error', (e) => opts.logger?.warn({ err: e.message }, 'pop3 listener error'));

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
