/**
 * bench/imap: Recapito's IMAP server beside Dovecot in the same run, on the same generated
 * mailbox (same bytes, flags and internal dates, loaded by pipelined APPEND): LOGIN+SELECT,
 * FETCH of all FLAGS, FETCH of all bodies, then 20 concurrent clients on a mixed read workload
 * (messages/s, operations/s, latency), and the servers' peak memory. One server at a time; the
 * same client (client.ts) measures both. Figures only: nothing is asserted about timings.
 *
 *   npm run bench:imap                       (10,000 messages, 20 s of mixed load)
 *   npm run bench:imap -- --quick            (2,000 messages, 5 s)
 *   options: --messages N  --seconds S  --clients C  --seed N  --pg (Recapito on PostgreSQL too)  --json
 *            --access-workers N (Recapito serves IMAP from N worker processes)
 */
import { cpus } from 'node:os';
import { expected, fetchBodies, fetchFlags, load, loginSelect, type FetchResult } from './measure.ts';
import { MemorySampler, type MemoryPeak } from './memory.ts';
import { dovecotVersion, startDovecotServer, startRecapito, type BenchServer } from './servers.ts';
import { mixed, type MixedResult } from './workload.ts';
import { printTable } from './table.ts';
import { option as argOption } from '../args.ts';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const option = (name: string, fallback: number): number => argOption(argv, name, fallback);
const quick = flag('--quick');
const json = flag('--json');
const N = option('--messages', quick ? 2000 : 10_000);
const SECONDS = option('--seconds', quick ? 5 : 20);
const CLIENTS = option('--clients', 20);
const SEED = option('--seed', 2026);
const PG = process.env['RECAPITO_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ServerResult {
  name: string;
  load?: { seconds: number; failures: string[]; memory: MemoryPeak };
  select?: { loginSelect: number; select: number; samples: number[] };
  flags?: FetchResult;
  bodies?: FetchResult;
  mixed?: MixedResult;
  memory?: MemoryPeak;
  /** Recapito: VmHWM of the server process over its whole life (loading included). */
  hwm?: number;
  anomalies: string[];
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

async function measure(start: () => Promise<BenchServer>, label: string): Promise<ServerResult> {
  progress(`${label}: starting`);
  const s = await start();
  const res: ServerResult = { name: s.name, anomalies: [] };
  try {
    const loadSampler = new MemorySampler(() => s.pids()).start();
    const l = await load(s, exp, progress);
    res.load = { ...l, memory: await loadSampler.stop() };
    res.anomalies.push(...l.failures);
    progress(`  loaded in ${l.seconds.toFixed(1)} s`);
    const sampler = new MemorySampler(() => s.pids()).start();
    res.select = await loginSelect(s, 5);
    progress(`  LOGIN+SELECT ${res.select.loginSelect.toFixed(1)} ms`);
    res.flags = await fetchFlags(s, exp, 3);
    progress(`  FETCH 1:* (FLAGS) ${res.flags.ms.toFixed(0)} ms`);
    res.bodies = await fetchBodies(s, exp, 3);
    progress(`  FETCH 1:* (BODY.PEEK[]) ${(res.bodies.ms / 1000).toFixed(2)} s`);
    for (const [what, f] of [['FLAGS', res.flags], ['BODY[]', res.bodies]] as const) {
      if (f.messages !== N) res.anomalies.push(`FETCH 1:* (${what}) returned ${f.messages} messages (expected ${N})`);
      if (f.mismatches > 0) res.anomalies.push(`FETCH 1:* (${what}): ${f.mismatches} messages differ from what was appended, e.g. ${f.example}`);
    }
    if (res.bodies.bytes !== exp.total) res.anomalies.push(`FETCH 1:* (BODY.PEEK[]) returned ${res.bodies.bytes} bytes (appended ${exp.total})`);
    progress(`  mixed workload: ${CLIENTS} clients for ${SECONDS} s`);
    res.mixed = await mixed(s, N, CLIENTS, SECONDS);
    progress(`  ${res.mixed.messagesPerSec.toFixed(0)} messages/s, ${res.mixed.opsPerSec.toFixed(0)} ops/s`);
    if (res.mixed.errors > 0) res.anomalies.push(`mixed workload: ${res.mixed.errors} failed commands, first: ${res.mixed.firstError}`);
    res.memory = await sampler.stop();
    if (s.name.startsWith('Recapito')) res.hwm = await s.hwm();
  } catch (e) {
    res.anomalies.push(`aborted: ${(e as Error).stack ?? String(e)}`);
  } finally {
    const log = await s.stop();
    if (log.length > 0) res.anomalies.push(`${log.length} warning/error lines in the server log, first: ${log.slice(0, 5).join(' | ')}`);
  }
  return res;
}

const t0 = Date.now();
progress(`bench/imap: generating ${N} messages (seed ${SEED})`);
const exp = expected(SEED, N);
const header = {
  node: process.version, dovecot: await dovecotVersion(), cpus: cpus().length, messages: N,
  megabytes: exp.total / 1e6, seed: SEED, clients: CLIENTS, seconds: SECONDS,
  largest: Math.max(...exp.sizes), over1MB: exp.sizes.filter((x) => x > 1 << 20).length,
};
progress(`  ${(exp.total / 1e6).toFixed(1)} MB in all, ${header.over1MB} messages over 1 MB`);

const results: ServerResult[] = [];
const WORKERS = option('--access-workers', 0);
results.push(await measure(() => startRecapito(undefined, WORKERS), WORKERS ? `Recapito (SQLite, ${WORKERS} access workers)` : 'Recapito (SQLite)'));
if (flag('--pg')) results.push(await measure(() => startRecapito(`${PG}?schema=bench_imap_${Date.now().toString(36)}`), 'Recapito (PostgreSQL)'));
results.push(await measure(() => startDovecotServer(), 'Dovecot'));

// The same bytes must have come back from every server.
const bodyBytes = new Set(results.map((r) => r.bodies?.bytes).filter((b) => b !== undefined));
if (bodyBytes.size > 1) for (const r of results) r.anomalies.push(`FETCH 1:* (BODY.PEEK[]) bytes differ between servers: ${results.map((x) => `${x.name} ${x.bodies?.bytes}`).join(', ')}`);
const totalSeconds = (Date.now() - t0) / 1000;

if (json) process.stdout.write(JSON.stringify({ ...header, totalSeconds, results }, null, 2) + '\n');
else printTable(header, results, totalSeconds);
