/**
 * The provider configuration: `recapito.json` in the data folder, written by `recapito init`,
 * overridden by `serve` flags. Parsed once and validated here (the trust boundary); paths are
 * relative to the data folder.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CliError } from './cli-error.ts';

export interface Ports {
  /** Submission with implicit TLS (465). */
  submission: number;
  /** Submission with STARTTLS (587). */
  starttls: number;
  /** Inter-provider SMTP with STARTTLS (25). */
  smtp: number;
  /** IMAP with STARTTLS (143) and with implicit TLS (993). */
  imap: number;
  imaps: number;
  /** POP3 with STLS (110) and with implicit TLS (995). */
  pop3: number;
  pop3s: number;
}

/** Standard ports; configurations written before a listener existed get its default. */
export const DEFAULT_PORTS: Ports = { submission: 465, starttls: 587, smtp: 25, imap: 143, imaps: 993, pop3: 110, pop3s: 995 };

export interface Config {
  domain: string;
  /** Provider name: daticert gestore-emittente. */
  name: string;
  /** Host name for EHLO and TLS. */
  hostname: string;
  bind: string;
  ports: Ports;
  /** PostgreSQL URL, or null for the embedded SQLite store. */
  db: string | null;
  digest: 'sha256' | 'sha1';
  /** Largest message accepted by SMTP at all (per-mailbox limits are lower). */
  maxMessageBytes: number;
  /** verifyTls: check peers' certificates; tlsCa: extra CAs; routes: domain (or "*") → host:port. */
  outbound: { verifyTls: boolean; tlsCa: string[]; routes: Record<string, string> };
  /** Extra trust anchors (PEM files) for other providers' signatures. */
  trust: string[];
  /** Job runner: lease of a claimed job (a crashed worker's jobs come back after it), first retry delay. */
  jobs: { leaseMs: number; retryBaseMs: number };
}

export const CONFIG_FILE = 'recapito.json';

export function defaultConfig(domain: string, name: string): Config {
  return {
    domain, name, hostname: 'localhost', bind: '127.0.0.1',
    ports: { ...DEFAULT_PORTS },
    db: null, digest: 'sha256', maxMessageBytes: 100 * 1024 * 1024,
    outbound: { verifyTls: true, tlsCa: ['pki/ca.pem'], routes: {} },
    trust: [],
    jobs: { leaseMs: 120_000, retryBaseMs: 15_000 },
  };
}

function fail(path: string, what: string): never {
  throw new CliError('CONFIG_INVALID', `${CONFIG_FILE}: ${path} ${what}`);
}

function port(v: unknown, path: string): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535) fail(path, 'must be a port number 0–65535 (0 disables the listener)');
  return v as number;
}

function routes(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('outbound.routes', 'must be an object { "domain": "host:port" }');
  for (const [k, r] of Object.entries(v)) if (typeof r !== 'string' || !/^[^:\s]+:\d{1,5}$/.test(r)) fail(`outbound.routes.${k}`, 'must be "host:port"');
  return v as Record<string, string>;
}

function jobs(v: unknown): Config['jobs'] {
  const j = (v ?? {}) as Record<string, unknown>;
  const ms = (k: string, d: number): number => {
    const x = j[k] ?? d;
    return Number.isInteger(x) && (x as number) >= 100 ? (x as number) : fail(`jobs.${k}`, 'must be an integer number of milliseconds ≥ 100');
  };
  return { leaseMs: ms('leaseMs', 120_000), retryBaseMs: ms('retryBaseMs', 15_000) };
}

export function parseConfig(text: string): Config {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new CliError('CONFIG_INVALID', `${CONFIG_FILE} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) fail('', 'must be an object');
  const str = (k: string): string => (typeof raw[k] === 'string' && raw[k] !== '' ? (raw[k] as string) : fail(k, 'must be a non-empty string'));
  const ports = (raw['ports'] ?? {}) as Record<string, unknown>;
  const outbound = (raw['outbound'] ?? {}) as Record<string, unknown>;
  const digest = raw['digest'] ?? 'sha256';
  if (digest !== 'sha256' && digest !== 'sha1') fail('digest', 'must be "sha256" or "sha1"');
  const list = (v: unknown, path: string): string[] => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fail(path, 'must be a list of file paths'));
  return {
    domain: str('domain').toLowerCase(),
    name: str('name'),
    hostname: str('hostname'),
    bind: str('bind'),
    ports: Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([k, d]) => [k, port(ports[k] ?? (k === 'submission' || k === 'starttls' || k === 'smtp' ? undefined : d), `ports.${k}`)])) as unknown as Ports,
    db: raw['db'] === null || raw['db'] === undefined ? null : str('db'),
    digest,
    maxMessageBytes: Number.isInteger(raw['maxMessageBytes']) ? (raw['maxMessageBytes'] as number) : 100 * 1024 * 1024,
    outbound: { verifyTls: outbound['verifyTls'] !== false, tlsCa: list(outbound['tlsCa'] ?? [], 'outbound.tlsCa'), routes: routes(outbound['routes']) },
    trust: list(raw['trust'] ?? [], 'trust'),
    jobs: jobs(raw['jobs']),
  };
}

export async function readConfig(dataDir: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(join(dataDir, CONFIG_FILE), 'utf8');
  } catch {
    throw new CliError('DATA_MISSING', `${dataDir} is not a provider data folder (no ${CONFIG_FILE}); create one with: recapito init --data ${dataDir} --domain <domain>`);
  }
  return parseConfig(text);
}

export async function writeConfig(dataDir: string, c: Config): Promise<void> {
  await writeFile(join(dataDir, CONFIG_FILE), JSON.stringify(c, null, 2) + '\n');
}

/** A path from the configuration, relative to the data folder unless absolute. */
export function dataPath(dataDir: string, p: string): string {
  return isAbsolute(p) ? p : join(dataDir, p);
}
