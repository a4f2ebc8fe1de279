/**
 * The body of an access worker process (access-workers.ts): opens the store, serves IMAP and
 * POP3 on the shared ports, tells the main process it is ready, and drains on SIGTERM.
 */
import { openStore } from '@recapito/store';
import { accessListeners, listenAll } from './access.ts';
import type { AccessWorkerSpec } from './access-workers.ts';
import { readConfig } from './config.ts';
import { stderrLogger } from './logger.ts';
import { systemClock } from './system-clock.ts';

export async function runAccessWorker(specJson: string): Promise<number> {
  const spec = JSON.parse(specJson) as AccessWorkerSpec;
  const config = await readConfig(spec.dataDir);
  const url = spec.db ?? config.db ?? undefined;
  const store = await openStore({ dataDir: spec.dataDir, ...(url ? { url } : {}) });
  let specs;
  try {
    specs = await accessListeners(store, config, spec.dataDir, spec.ports, stderrLogger, systemClock);
    await listenAll(specs, spec.bind);
  } catch (err) {
    process.send?.({ error: err instanceof Error ? err.message : String(err) });
    await store.close();
    return 3;
  }
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    // The main process went away without stopping us: stop too.
    process.once('disconnect', () => resolve());
  });
  await Promise.all(specs.map((s) => s.listener.close()));
  await store.close();
  // A worker is a dedicated process: leave now, whatever handle (the IPC channel, a client
  // that has not yet closed its socket) would keep it alive.
  process.exit(0);
}
