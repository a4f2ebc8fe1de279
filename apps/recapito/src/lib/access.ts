/**
 * The mailbox-access listeners (IMAP and POP3, each with implicit TLS and STARTTLS) over a
 * store. Run inside `recapito serve`, or in access worker processes (access-workers.ts) that
 * share the listening sockets so that reading mail uses every CPU.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@recapito/core';
import { createImapListener } from '@recapito/imap';
import { createPop3Listener } from '@recapito/pop3';
import { imapBackend, pop3Backend, type Logger } from '@recapito/provider';
import type { Store } from '@recapito/store';
import type { Config, Ports } from './config.ts';

export interface Listening {
  name: string;
  port: number;
  listener: { listen(port: number, host: string): Promise<{ port: number }>; close(): Promise<void> };
}

export async function accessListeners(store: Store, config: Config, dataDir: string, ports: Pick<Ports, 'imap' | 'imaps' | 'pop3' | 'pop3s'>,
  logger: Logger, clock: Clock): Promise<Listening[]> {
  const tls = { key: await readFile(join(dataDir, 'tls', 'key.pem'), 'utf8'), cert: await readFile(join(dataDir, 'tls', 'cert.pem'), 'utf8') };
  const access = { tls, hostname: config.hostname, logger, clock, maxMessageBytes: config.maxMessageBytes };
  const imap = imapBackend(store, logger);
  const pop3 = pop3Backend(store, logger);
  return [
    { name: 'imap (STARTTLS)', port: ports.imap, listener: createImapListener({ ...access, mode: 'imap-starttls', backend: imap }) },
    { name: 'imaps (implicit TLS)', port: ports.imaps, listener: createImapListener({ ...access, mode: 'imaps', backend: imap }) },
    { name: 'pop3 (STLS)', port: ports.pop3, listener: createPop3Listener({ ...access, mode: 'pop3-stls', backend: pop3 }) },
    { name: 'pop3s (implicit TLS)', port: ports.pop3s, listener: createPop3Listener({ ...access, mode: 'pop3s', backend: pop3 }) },
  ].filter((s) => s.port !== 0);
}

/** Starts each listener on `bind`; on a failure closes those started and rethrows. */
export async function listenAll(specs: Listening[], bind: string): Promise<{ name: string; address: string; port: number }[]> {
  const out: { name: string; address: string; port: number }[] = [];
  try {
    for (const s of specs) out.push({ name: s.name, address: bind, port: (await s.listener.listen(s.port, bind)).port });
  } catch (err) {
    await Promise.all(specs.map((s) => s.listener.close().catch(() => {})));
    throw err;
  }
  return out;
}
