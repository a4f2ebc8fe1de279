/**
 * Starts a whole provider from a data folder: store, signing identity, pipeline, listeners.
 * Used by `recapito serve` and by tests that run providers in-process.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@recapito/core';
import { Provider, type Logger } from '@recapito/provider';
import { accessListeners, listenAll } from './access.ts';
import { forkAccessWorkers } from './access-workers.ts';
import { openStore, type Store } from '@recapito/store';
import { createSmtpListener } from '@recapito/smtp';
import { dataPath, readConfig, type Config, type Ports } from './config.ts';
import { providerFromPki } from './provider-from-pki.ts';

export interface ServerOptions {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bind?: string;
  readonly ports?: Partial<Ports>;
  readonly db?: string;
  readonly runner?: { idleMs?: number; leaseMs?: number };
  /** IMAP and POP3 in this many worker processes (0: in this process). */
  readonly accessWorkers?: number;
}

export interface RunningServer {
  readonly config: Config;
  readonly store: Store;
  readonly provider: Provider;
  readonly listeners: { name: string; address: string; port: number }[];
  stop(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const config = await readConfig(opts.dataDir);
  const ports = { ...config.ports, ...opts.ports };
  const bind = opts.bind ?? config.bind;
  const url = opts.db ?? config.db ?? undefined;
  const store = await openStore({ dataDir: opts.dataDir, ...(url ? { url } : {}) });
  const identity = await providerFromPki(join(opts.dataDir, 'pki'), { digest: config.digest, clock: opts.clock, name: config.name });
  const readAll = (files: string[]): Promise<string[]> => Promise.all(files.map((f) => readFile(dataPath(opts.dataDir, f), 'utf8')));
  const provider = await Provider.create({
    store, identity, clock: opts.clock, logger: opts.logger,
    trustAnchorsPem: await readAll(config.trust),
    outbound: { hostname: config.hostname, tlsCa: await readAll(config.outbound.tlsCa), verifyTls: config.outbound.verifyTls, routes: config.outbound.routes },
    runner: { leaseMs: config.jobs.leaseMs, retryBaseMs: config.jobs.retryBaseMs, ...opts.runner },
  });
  const tls = { key: await readFile(join(opts.dataDir, 'tls', 'key.pem'), 'utf8'), cert: await readFile(join(opts.dataDir, 'tls', 'cert.pem'), 'utf8') };
  const common = { tls, hostname: config.hostname, maxMessageBytes: config.maxMessageBytes, maxRecipients: 1000, logger: opts.logger };
  const smtp = [
    { name: 'submission (implicit TLS)', port: ports.submission, listener: createSmtpListener({ ...common, mode: 'submission-tls', backend: provider.submission }) },
    { name: 'submission (STARTTLS)', port: ports.starttls, listener: createSmtpListener({ ...common, mode: 'submission-starttls', backend: provider.submission }) },
    { name: 'smtp (inter-provider, STARTTLS)', port: ports.smtp, listener: createSmtpListener({ ...common, mode: 'inbound', backend: provider.inbound }) },
  ].filter((s) => s.port !== 0);
  const workers = opts.accessWorkers ?? 0;
  const specs = [...smtp, ...(workers > 0 ? [] : await accessListeners(store, config, opts.dataDir, ports, opts.logger, opts.clock))];
  let listeners: RunningServer['listeners'];
  let pool: { stop(): Promise<void> } | undefined;
  try {
    listeners = await listenAll(specs, bind);
    if (workers > 0) {
      pool = await forkAccessWorkers(workers, { dataDir: opts.dataDir, ...(url ? { db: url } : {}), bind, ports }, opts.logger);
      for (const [name, port] of [['imap (STARTTLS)', ports.imap], ['imaps (implicit TLS)', ports.imaps], ['pop3 (STLS)', ports.pop3], ['pop3s (implicit TLS)', ports.pop3s]] as const) {
        if (port !== 0) listeners.push({ name: `${name}, ${workers} workers`, address: bind, port });
      }
    }
  } catch (err) {
    await Promise.all(specs.map((s) => s.listener.close().catch(() => {})));
    await store.close();
    throw err;
  }
  provider.start();
  let stopped = false;
  return {
    config, store, provider, listeners,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Drain: no new connections, sessions in DATA finish; then the runner, then the store.
      await Promise.all([...specs.map((s) => s.listener.close()), pool?.stop()]);
      await provider.stop();
      await store.close();
    },
  };
}
