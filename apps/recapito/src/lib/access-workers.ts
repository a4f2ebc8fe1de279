/**
 * Access worker processes: `recapito serve --access-workers N` forks N processes (Node's
 * cluster) that serve IMAP and POP3 on the same ports, the kernel socket shared and connections
 * handed out in turn, each worker with its own store connection. The main process keeps SMTP
 * and the PEC pipeline. Sessions in different workers see each other's changes through the
 * store's mod-sequences, as sessions of different servers do (docs/decisions/0008).
 * A worker that dies is replaced; SIGTERM drains them all.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@recapito/provider';
import type { Ports } from './config.ts';

export interface AccessWorkerSpec {
  dataDir: string;
  db?: string;
  bind: string;
  ports: Pick<Ports, 'imap' | 'imaps' | 'pop3' | 'pop3s'>;
}

/** Environment variable carrying the spec to a worker. */
export const ACCESS_WORKER_ENV = 'RECAPITO_ACCESS_WORKER';

/** The CLI entry point: workers run it whoever started the main process (the CLI or a test). */
const BIN = fileURLToPath(new URL('../../bin/recapito.js', import.meta.url));

export async function forkAccessWorkers(n: number, spec: AccessWorkerSpec, logger: Logger): Promise<{ stop(): Promise<void> }> {
  // No inherited execArgv: a test runner's flags must not turn a worker into a test run.
  cluster.setupPrimary({ exec: BIN, args: [], execArgv: [], silent: false });
  let stopping = false;
  const workers = new Set<Worker>();
  const fork = (): Promise<void> => new Promise((resolve, reject) => {
    const w = cluster.fork({ [ACCESS_WORKER_ENV]: JSON.stringify(spec) });
    workers.add(w);
    w.once('message', (m: { ready?: boolean; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve()));
    w.once('exit', (code, signal) => {
      workers.delete(w);
      if (stopping) return;
      logger.warn({ pid: w.process.pid, code, signal }, 'access worker exited; starting another');
      reject(new Error(`access worker exited (${signal ?? code})`));
      // A pause first, so that a worker failing at once does not become a fork loop.
      setTimeout(() => void fork().catch((e: unknown) => logger.error({ err: String(e) }, 'access worker failed to start')), 1000).unref();
    });
  });
  try {
    await Promise.all(Array.from({ length: n }, fork));
  } catch (err) {
    stopping = true;
    for (const w of workers) w.kill('SIGTERM');
    throw err;
  }
  return {
    async stop() {
      stopping = true;
      await Promise.all([...workers].map((w) => new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.kill('SIGTERM');
      })));
    },
  };
}
