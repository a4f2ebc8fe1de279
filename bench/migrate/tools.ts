/**
 * The migration tools the bench compares, each copying one mailbox from a source IMAP server to
 * a destination one over the same transport (implicit TLS on the IMAPS port by default, or
 * STARTTLS on the IMAP port; never plaintext, which Recapito's CLI does not offer): Recapito's
 * CLI, mbsync (isync) and offlineimap. Every run is a child process in its own process group
 * (killed whole on timeout or when the bench exits), its memory sampled from /proc.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants } from '../../apps/recapito/test/interop/dovecot.ts';
import { MemorySampler, type MemoryPeak } from '../imap/memory.ts';

export interface Endpoint { host: string; port: number; tls: 'imaps' | 'starttls'; user: string; passwordFile: string; caFile: string }
export interface Ran { code: number; seconds: number; memory: MemoryPeak; stdout: string; stderr: string }

const BIN = fileURLToPath(new URL('../../apps/recapito/bin/recapito.js', import.meta.url));
/** Extra node flags for the Recapito runs, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile them. */
const NODE_ARGS = (process.env['RECAPITO_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const running = new Set<number>();
// A bench stopped by Ctrl-C or an exception must not leave copies running against the servers.
process.once('exit', () => { for (const pid of running) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } });

/** Runs one command to its end (or timeout), sampling the memory of its whole process tree. */
export function measured(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Ran> {
  return runMany([{ cmd, args, ...(opts.env ? { env: opts.env } : {}) }], 1, opts.timeoutMs).then((r) => r.runs[0]!);
}

export interface Job { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }

/**
 * Runs jobs at most `parallel` at a time; the memory peak is of all running trees together,
 * the time is of the whole set.
 */
export async function runMany(jobs: Job[], parallel: number, timeoutMs = 3_600_000): Promise<{ seconds: number; memory: MemoryPeak; runs: Ran[] }> {
  const live = new Set<number>();
  const sampler = new MemorySampler(async () => (await Promise.all([...live].map((p) => descendants(p)))).flat()).start();
  const started = Date.now();
  const runs: Ran[] = new Array<Ran>(jobs.length);
  let next = 0;
  const one = (job: Job): Promise<Ran> => new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(job.cmd, job.args, { env: job.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = child.pid;
    if (pid !== undefined) { live.add(pid); running.add(pid); }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000} s]`;
      try { process.kill(-pid!, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    const done = (code: number): void => {
      clearTimeout(timer);
      if (pid !== undefined) { live.delete(pid); running.delete(pid); }
      resolve({ code, seconds: (Date.now() - t0) / 1000, memory: { rss: 0, pss: 0, processes: 0, samples: 0 }, stdout, stderr });
    };
    child.on('error', (e) => { stderr += String(e); done(-1); });
    child.on('close', (code) => done(code ?? -1));
  });
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) runs[i] = await one(jobs[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  const seconds = (Date.now() - started) / 1000;
  const memory = await sampler.stop();
  if (runs.length === 1) runs[0] = { ...runs[0]!, memory };
  return { seconds, memory, runs };
}

const url = (e: Endpoint): string => `${e.tls === 'imaps' ? 'imaps' : 'imap'}://${encodeURIComponent(e.user)}@${e.host}:${e.port}`;

/** Recapito verifies both servers' certificates, as mbsync and offlineimap do (`ca`: both PEMs). */
export function recapitoCopy(from: Endpoint, to: Endpoint, state: string, ca: string, extra: string[] = []): Job {
  return { cmd: process.execPath, args: [...NODE_ARGS, BIN, 'migrate', 'copy', '--from', url(from), '--to', url(to),
    '--from-password-file', from.passwordFile, '--to-password-file', to.passwordFile, '--state', state, '--json', '--ca', ca, ...extra] };
}

/** `migrate batch` over a CSV whose credentials are env: references (passwords never in the file). */
export async function recapitoBatch(pairs: [Endpoint, Endpoint][], dir: string, passwords: { src: string; dst: string }, ca: string, parallel: number): Promise<Job> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'batch.csv');
  await writeFile(csv, ['source;destination;credentials;credenziali_destinazione',
    ...pairs.map(([s, d]) => `${url(s)};${url(d)};env:SRC_PW;env:DST_PW`)].join('\n') + '\n');
  return { cmd: process.execPath, args: [...NODE_ARGS, BIN, 'migrate', 'batch', csv, '--state', join(dir, 'state'), '--json', '--ca', ca, '--parallel', String(parallel)],
    env: { ...process.env, SRC_PW: passwords.src, DST_PW: passwords.dst } };
}

/** mbsync: both ends IMAP, pull only, folders created on the destination, nothing expunged. */
export async function mbsyncJob(from: Endpoint, to: Endpoint, dir: string): Promise<Job> {
  await mkdir(join(dir, 'state'), { recursive: true });
  const account = (name: string, e: Endpoint): string[] => [
    `IMAPAccount ${name}`,
    // The certificate names localhost; mbsync checks host names, not IP addresses.
    'Host localhost', `Port ${e.port}`, `User ${e.user}`, `PassCmd "cat '${e.passwordFile}'"`,
    `SSLType ${e.tls === 'imaps' ? 'IMAPS' : 'STARTTLS'}`, `CertificateFile ${e.caFile}`, '',
    `IMAPStore ${name}`, `Account ${name}`, ''];
  const rc = join(dir, 'mbsyncrc');
  await writeFile(rc, [...account('src', from), ...account('dst', to),
    'Channel mig', 'Far :src:', 'Near :dst:', 'Patterns *', 'Sync Pull', 'Create Near', 'Remove None', 'Expunge None',
    'CopyArrivalDate yes', `SyncState ${dir}/state/`, ''].join('\n'));
  return { cmd: 'mbsync', args: ['-c', rc, '-q', 'mig'] };
}

/**
 * offlineimap: IMAP to IMAP, the source read-only, one run, quiet. Its STARTTLS (imaplib2)
 * sometimes hangs in the handshake (about one run in three here): one reason IMAPS is the default.
 */
export async function offlineimapJob(from: Endpoint, to: Endpoint, dir: string): Promise<Job> {
  await mkdir(join(dir, 'meta'), { recursive: true });
  const repo = (name: string, e: Endpoint, extra: string[]): string[] => [
    `[Repository ${name}]`, 'type = IMAP', 'remotehost = localhost', `remoteport = ${e.port}`, `remoteuser = ${e.user}`,
    `remotepassfile = ${e.passwordFile}`, `ssl = ${e.tls === 'imaps' ? 'yes' : 'no'}`, `starttls = ${e.tls === 'imaps' ? 'no' : 'yes'}`,
    `sslcacertfile = ${e.caFile}`, ...extra, ''];
  const rc = join(dir, 'offlineimaprc');
  await writeFile(rc, ['[general]', 'accounts = mig', `metadata = ${dir}/meta`, '',
    '[Account mig]', 'localrepository = dst', 'remoterepository = src', '',
    ...repo('src', from, ['readonly = True']), ...repo('dst', to, [])].join('\n'));
  // HOME: offlineimap must not read or write anything of the user running the bench.
  return { cmd: 'offlineimap', args: ['-c', rc, '-o', '-u', 'quiet'], env: { ...process.env, HOME: dir } };
}
