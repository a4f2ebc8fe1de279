/**
 * The two servers under test, each with one mailbox (USER) reached over IMAPS on loopback:
 * Recapito (`recapito serve`, its own process, SQLite or PostgreSQL) and a private Dovecot
 * (test/interop/dovecot.ts). Both only ever run one at a time.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, run } from '../../apps/recapito/test/support/two-providers.ts';
import { descendants, startDovecot } from '../../apps/recapito/test/interop/dovecot.ts';
import type { Endpoint } from './client.ts';
import { DOMAIN, USER } from './generate.ts';
import { vmHwm } from './memory.ts';

export const PASSWORD = 'Bench.Imap-2026';

export interface BenchServer {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly user: string;
  readonly password: string;
  /** The server's processes now (for memory sampling). */
  pids(): Promise<number[]>;
  /** VmHWM (kernel-recorded peak RSS) summed over the live processes, bytes. */
  hwm(): Promise<number>;
  /** Stops the server; returns the warning and error lines it logged. */
  stop(): Promise<string[]>;
}

const BIN = fileURLToPath(new URL('../../apps/recapito/bin/recapito.js', import.meta.url));

async function cli(...args: string[]): Promise<void> {
  const r = await run(process.execPath, [BIN, ...args], 120_000);
  if (r.code !== 0) throw new Error(`recapito ${args[0]} ${args[1] ?? ''} exited ${r.code}: ${r.stdout}${r.stderr}`);
}

/** `recapito serve` in its own process with only the IMAPS listener; `db` a PostgreSQL URL. */
export async function startRecapito(db?: string, accessWorkers = 0): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'recapito-bench-imap-'));
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password.txt');
  await writeFile(passwordFile, PASSWORD);
  await cli('pki', 'init', '--dir', join(dir, 'ca'), '--domain', DOMAIN);
  await cli('init', '--data', data, '--domain', DOMAIN, '--name', 'Bench PEC', '--ca', join(dir, 'ca'), ...(db ? ['--db', db] : []));
  await cli('mailbox', 'add', USER, '--data', data, '--password-file', passwordFile, '--quota', '100GB');
  const port = await freePort();
  const logFile = join(dir, 'serve.log');
  const log = openSync(logFile, 'w');
  // RECAPITO_BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=prof": extra Node options for the server process.
  const nodeArgs = (process.env['RECAPITO_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--data', data, '--submission-port', '0', '--starttls-port', '0', '--smtp-port', '0',
    '--imap-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--imaps-port', String(port), '--access-workers', String(accessWorkers), '--json'], { stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve();
    });
    void exited.then(async (code) => reject(new Error(`recapito serve exited ${code}: ${await readFile(logFile, 'utf8')}`)));
  });
  const pid = child.pid!;
  return {
    name: db ? 'Recapito (PostgreSQL)' : 'Recapito',
    endpoint: { host: '127.0.0.1', port, caFile: join(dir, 'ca', 'ca.pem') },
    user: USER, password: PASSWORD,
    pids: async () => (child.exitCode === null ? descendants(pid) : []),
    hwm: () => vmHwm(pid),
    async stop() {
      const crashed = child.exitCode !== null ? [`recapito serve had exited (code ${child.exitCode}) before the end`] : [];
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(t);
      const lines = (await readFile(logFile, 'utf8')).split('\n').filter((l) => /"level":"(warn|error)"/.test(l) || (l.trim() && !l.startsWith('{') && l.trim() !== 'stopped cleanly'));
      if (code !== 0) lines.push(`recapito serve exit code ${code}`);
      if (process.env['RECAPITO_KEEP_BENCH']) process.stderr.write(`recapito data kept in ${dir}\n`);
      else {
        await rm(dir, { recursive: true, force: true });
        if (db) await dropSchema(db);
      }
      return [...crashed, ...lines];
    },
  };
}

/** Drops the PostgreSQL schema a run used (best effort: psql may be missing). */
async function dropSchema(db: string): Promise<void> {
  const url = new URL(db);
  const schema = url.searchParams.get('schema');
  if (!schema || !/^\w+$/.test(schema)) return;
  url.search = '';
  await run('psql', [url.toString(), '-qc', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`], 60_000).catch(() => undefined);
}

/** A private Dovecot (Debian's packages) with maildir, its quota raised beyond the set. */
export async function startDovecotServer(): Promise<BenchServer> {
  const d = await startDovecot({
    users: [USER], password: PASSWORD,
    extraConfig: ['plugin {\n  quota_rule = *:storage=100G\n}'],
  });
  return {
    name: 'Dovecot',
    endpoint: { host: d.host, port: d.ports.imaps, caFile: d.caFile },
    user: USER, password: PASSWORD,
    pids: () => d.pids(),
    async hwm() {
      const all = await Promise.all((await d.pids()).map(vmHwm));
      return all.reduce((a, b) => a + b, 0);
    },
    async stop() {
      const log = await readFile(join(d.baseDir, 'log', 'dovecot.log'), 'utf8').catch(() => '');
      await d.stop();
      return log.split('\n').filter((l) => /\b(Error|Panic|Fatal|Warning)\b/.test(l));
    },
  };
}

export async function dovecotVersion(): Promise<string> {
  const r = await run('dovecot', ['--version'], 10_000).catch(() => ({ stdout: '?' }));
  return r.stdout.trim();
}
