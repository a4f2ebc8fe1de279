/**
 * The POP3 listener: implicit TLS (`pop3s`, port 995, RFC 8314 §3.3) or plaintext with STLS
 * (`pop3-stls`, port 110, RFC 2595 §4). Sessions are bounded in number; closing the listener
 * ends every session without entering the UPDATE state.
 */
import { createSecureContext } from 'node:tls';
import { AuthFailureLimiter, createSessionServer } from '@recapito/smtp';
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
  return createSessionServer({
    ...(opts.mode === 'pop3s' ? { implicitTls: opts.tls } : {}),
    maxClients: opts.maxClients ?? DEFAULT_MAX_CLIENTS,
    session: (sock, secure) => new Pop3Session(sock, secure, deps),
    refusal: `${errLine('POP3_TOO_MANY_CLIENTS')}\r\n`,
    label: 'pop3',
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}
