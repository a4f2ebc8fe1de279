/**
 * The socket plumbing shared by the line-protocol listeners (POP3, IMAP): a plain or
 * implicit-TLS server, a bound on concurrent sessions, and a close that ends every session and
 * waits for them. The protocol supplies the session; the SMTP listener uses smtp-server instead.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** What the plumbing needs of a session. */
export interface ServedSession {
  /** Resolves when the socket is gone and the session's resources are released. */
  readonly done: Promise<void>;
  /** Sends the greeting. */
  start(): Promise<void>;
  /** Listener shutdown: says goodbye and closes. */
  abort(): void;
}

export interface SessionServerOptions {
  /** Implicit TLS from the first byte (RFC 8314 §3.3) with this key and certificate. */
  implicitTls?: { key: string; cert: string };
  maxClients: number;
  /** A new session on an accepted socket; `secure` when under TLS. */
  session(sock: Socket, secure: boolean): ServedSession;
  /** Answers a connection over the limit (or during shutdown) before it is closed. */
  refusal: string;
  /** For log lines: `pop3`, `imap`. */
  label: string;
  logger?: { info(obj: Record<string, unknown>, msg: string): void; warn(obj: Record<string, unknown>, msg: string): void };
}

export interface SessionServer {
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

export function createSessionServer(opts: SessionServerOptions): SessionServer {
  const sessions = new Set<ServedSession>();
  let closing = false;
  const accept = (sock: Socket, secure: boolean): void => {
    sock.setNoDelay(true);
    if (closing || sessions.size >= opts.maxClients) {
      sock.on('error', () => undefined);
      sock.end(opts.refusal);
      sock.destroySoon();
      return;
    }
    const session = opts.session(sock, secure);
    sessions.add(session);
    void session.done.then(() => sessions.delete(session));
    void session.start();
  };

  let server: Server;
  if (opts.implicitTls) {
    const { key, cert } = opts.implicitTls;
    const tlsServer = createTlsServer({ key, cert, minVersion: 'TLSv1.2', handshakeTimeout: 30_000 }, (sock) => accept(sock, true));
    tlsServer.on('tlsClientError', (e, sock) => {
      opts.logger?.info({ err: e.message, remoteAddress: sock.remoteAddress }, `${opts.label} TLS handshake failed`);
      sock.destroy();
    });
    server = tlsServer;
  } else {
    server = createNetServer((sock) => accept(sock, false));
  }
  server.on('error', (e) => opts.logger?.warn({ err: e.message }, `${opts.label} listener error`));

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
