/**
 * Opens an authenticated IMAP session for an {@link Endpoint}, through imapflow.
 *
 * - `imaps` is TLS from the first byte (RFC 8314 §3.3); `imap` upgrades with STARTTLS (RFC 3501
 *   §6.2.1). By default STARTTLS is required (imapflow's `doSTARTTLS: true`): a server, or a man
 *   in the middle, that hides STARTTLS is refused before the password is sent. Only
 *   `allowPlaintext` lets the password go in clear (a closed test network).
 * - Certificates are verified against the system CAs, or against `ca` (PEM) when given;
 *   `insecure` accepts any certificate (self-signed test or intranet servers).
 * - imapflow's logger is always off: at debug level it would print commands and their
 *   arguments, and the password must never reach a log.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Endpoint } from '../endpoint.ts';
import { connectError } from './failure.ts';
import { ImapEndpoint } from './endpoint.ts';

export interface OpenOptions {
  /** Accept any server certificate (self-signed, expired, other name). */
  readonly insecure?: boolean;
  /** Trusted CA certificate(s), PEM, instead of the system store. */
  readonly ca?: string;
  /** Only `false` is accepted: logging stays off whatever the caller asks. */
  readonly logger?: false;
  /** For `imap://`: log in even when STARTTLS is not offered (the password then travels in clear). */
  readonly allowPlaintext?: boolean;
  /** Connection, greeting and TLS timeout; default 30 s. */
  readonly timeoutMs?: number;
  /** A command without any answer for this long means a hung peer: the session is dropped (default 120 s). */
  readonly idleTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The TLS policy both session kinds share: TLS 1.2 or later, verified unless `insecure`. */
export function tlsPolicy(opts: OpenOptions): { rejectUnauthorized: boolean; minVersion: 'TLSv1.2'; ca?: string } {
  return { rejectUnauthorized: opts.insecure !== true, minVersion: 'TLSv1.2', ...(opts.ca !== undefined && opts.insecure !== true ? { ca: opts.ca } : {}) };
}

export async function openEndpoint(e: Endpoint, password: string, opts: OpenOptions = {}): Promise<ImapEndpoint> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const options: ImapFlowOptions = {
    host: e.host,
    port: e.port,
    secure: e.security === 'tls',
    auth: { user: e.user, pass: password },
    logger: false,
    // A migration runs one command after another; IDLE in between would only cost round trips.
    disableAutoIdle: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: opts.idleTimeoutMs ?? 120_000,
    tls: tlsPolicy(opts),
    ...(e.security === 'starttls' && opts.allowPlaintext !== true ? { doSTARTTLS: true } : {}),
  };
  const client = new ImapFlow(options);
  // Without a listener an 'error' event would crash the process; the failure also rejects
  // the pending command, which is where it is reported.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw connectError(err, `${e.host}:${e.port}`);
  }
  // Nagle's algorithm would hold a small command back until the previous segment is
  // acknowledged (up to the peer's delayed-ACK timer) on every round trip of the copy.
  const socket = (client as unknown as { socket?: { setNoDelay?: (on: boolean) => void } }).socket;
  socket?.setNoDelay?.(true);
  return new ImapEndpoint(client);
}
