/**
 * Where a migration keeps its identity map. With --data, in a Recapito provider's store; with
 * --state DIR, in an embedded store in that folder; otherwise in an embedded store in the user's
 * state folder (XDG_STATE_HOME, default ~/.local/state), so that running the same command again
 * resumes. Jobs are keyed by source and destination (and the destination tree), or by --job.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@recapito/store';
import { endpointKey, type Endpoint } from '@recapito/migrate';
import { CliError } from './cli-error.ts';
import { openData } from './open-data.ts';

export interface StateFlags { state?: string; data?: string; db?: string }

export function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME && process.env.XDG_STATE_HOME.startsWith('/') ? process.env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'recapito', 'migrate');
}

export async function openState(flags: StateFlags): Promise<{ store: Store; where: string }> {
  if (flags.data !== undefined) return { store: (await openData({ data: flags.data, ...(flags.db ? { db: flags.db } : {}) })).store, where: flags.data };
  const dir = flags.state ?? defaultStateDir();
  try {
    return { store: await openStore({ dataDir: dir }), where: dir };
  } catch (err) {
    throw new CliError('STORE_UNAVAILABLE', `cannot open the migration state in ${dir}: ${(err as Error).message}; choose another folder with --state`, 3);
  }
}

/** The job's identity: what is copied where. Same key, same map: a re-run resumes. */
export function jobKey(source: Endpoint, destination: Endpoint, under: string | undefined, name: string | undefined): string {
  if (name !== undefined) return `job:${name}`;
  return `${endpointKey(source)} -> ${endpointKey(destination)}${under !== undefined ? ` under ${under}` : ''}`;
}

/** A URL to show: scheme, user, host and port, never a secret (URLs with one are refused). */
export function showEndpoint(e: Endpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.security === 'tls' ? 'imaps' : 'imap'}://${e.user}@${host}:${e.port}`;
}
