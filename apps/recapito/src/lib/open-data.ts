/** Opens the store of a data folder (SQLite inside it, or the configured PostgreSQL). */
import { openStore, type Store } from '@recapito/store';
import { readConfig, type Config } from './config.ts';
import { CliError } from './cli-error.ts';

export interface DataFlags { data: string; db?: string }

export async function openData(flags: DataFlags): Promise<{ store: Store; config: Config }> {
  const config = await readConfig(flags.data);
  const url = flags.db ?? config.db ?? undefined;
  try {
    const store = await openStore({ dataDir: flags.data, ...(url ? { url } : {}) });
    return { store, config };
  } catch (err) {
    throw new CliError('STORE_UNAVAILABLE', `cannot open the store of ${flags.data}${url ? ` (${url.replace(/\/\/[^@/]*@/, '//***@')})` : ''}: ${(err as Error).message}`, 3);
  }
}

/** Runs `fn` with the store open, closing it afterwards. */
export async function withStore<T>(flags: DataFlags, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { store, config } = await openData(flags);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
