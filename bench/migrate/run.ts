/**
 * bench/migrate: Recapito's `migrate copy` beside mbsync and offlineimap, copying the same
 * generated mailbox between two private Dovecots (source, destination) over the same transport
 * for all (IMAPS by default; --starttls for IMAP with STARTTLS);
 * then 50 mailboxes at once with `migrate batch` beside 50 mbsync processes (8 at a time).
 * Every copy is checked by an independent reader (imap_dump.py) against what was generated.
 * Figures only: nothing is asserted about timings.
 *
 *   npm run bench:migrate                  (5,000 messages / ~500 MB; 50 × 100 messages / ~10 MB)
 *   npm run bench:migrate -- --quick       (500 messages / ~50 MB; 10 × 100 messages / ~10 MB)
 *   options: --messages N --megabytes N --mailboxes N --seed N --only single|batch --starttls
 *            --repeat N (one mailbox: Recapito and mbsync N times each, interleaved, median shown)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotInstance } from '../../apps/recapito/test/interop/dovecot.ts';
import { compareMailboxes, dumpMailbox, type CompareResult } from '../../apps/recapito/test/support/mailbox-compare.ts';
import { generateMailbox, uploadMailbox, type GeneratedMessage } from '../../apps/recapito/test/support/mailgen.ts';
import { printTable, type Row } from './report.ts';
import { mbsyncJob, measured, offlineimapJob, recapitoBatch, recapitoCopy, runMany, type Endpoint, type Job } from './tools.ts';
import { option as argOption } from '../args.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const option = (name: string, fallback: number): number => argOption(argv, name, fallback);
const TLS = argv.includes('--starttls') ? 'starttls' as const : 'imaps' as const;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const N = option('--messages', quick ? 500 : 5000);
const MB = option('--megabytes', quick ? 50 : 500);
const MAILBOXES = option('--mailboxes', quick ? 10 : 50);
const SEED = option('--seed', 2026);
const REPEAT = option('--repeat', 1);
const SMALL = { messages: 100, bytes: 10e6 };
const PW = { src: 'Sorgente.Bench-2026', dst: 'Destinazione.Bench-2026' };
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

const range = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, k) => `${prefix}${k + 1}`);
const servers: DovecotInstance[] = [];
let work = '';
async function cleanup(): Promise<void> {
  await Promise.allSettled(servers.map((s) => s.stop()));
  if (work) await rm(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

/** A limited number of promises at a time, results in order. */
async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  }));
  return out;
}

const total = (msgs: GeneratedMessage[]): number => msgs.reduce((s, m) => s + m.raw.length, 0);
/**
 * Before each timed run: the previous run's 500 MB still being written back to disk must not
 * slow the next tool down (not timed).
 */
const settle = async (): Promise<void> => { await measured('sync', []); };
const errorLines = (stderr: string): string => stderr.trim().split('\n').slice(-4).join(' | ');

async function main(): Promise<void> {
  work = await mkdtemp(join(tmpdir(), 'recapito-bench-migrate-'));
  const srcUsers = ['sorgente', ...range(MAILBOXES, 'casella')];
  const dstUsers = [...range(REPEAT, 'recapito'), ...range(REPEAT, 'recapitonv'), ...range(REPEAT, 'mbsync'), 'offlineimap',
    ...range(MAILBOXES, 'rbatch'), ...range(MAILBOXES, 'mbatch')];
  // Enough login processes and connections for 50 copies at once against one server.
  const extraConfig = ['service imap-login {\n  process_min_avail = 4\n}', 'service imap {\n  process_limit = 2048\n}', 'default_client_limit = 4096'];
  progress('bench/migrate: starting source and destination Dovecot');
  const src = await startDovecot({ users: srcUsers, password: PW.src, extraConfig });
  servers.push(src);
  const dst = await startDovecot({ users: dstUsers, password: PW.dst, extraConfig });
  servers.push(dst);
  await writeFile(join(work, 'src.pw'), PW.src);
  await writeFile(join(work, 'dst.pw'), PW.dst);
  const at = (d: DovecotInstance, user: string, side: 'src' | 'dst'): Endpoint =>
    ({ host: d.host, port: TLS === 'imaps' ? d.ports.imaps : d.ports.imap, tls: TLS, user, passwordFile: join(work, `${side}.pw`), caFile: d.caFile });
  const login = (e: Endpoint, side: 'src' | 'dst'): { host: string; port: number; user: string; password: string; caFile: string; secure: boolean } =>
    ({ host: e.host, port: e.port, user: e.user, password: PW[side], caFile: e.caFile, secure: e.tls === 'imaps' });
  const check = async (e: Endpoint, expected: GeneratedMessage[], ignoreKeywords: string[] = []): Promise<CompareResult> =>
    compareMailboxes(expected, await dumpMailbox({ ...login(e, 'dst'), tls: e.tls === 'imaps' ? 'ssl' : 'starttls' }), { ignoreKeywords });
  const ca = join(work, 'ca.pem');
  await writeFile(ca, (await readFile(src.caFile, 'utf8')) + (await readFile(dst.caFile, 'utf8')));
  const dovecotVersion = (await measured('/usr/sbin/dovecot', ['--version'])).stdout.trim();
  const tools = (await measured('mbsync', ['--version'])).stdout.trim();
  console.log(`bench/migrate — node ${process.version}, Dovecot ${dovecotVersion}, ${tools}, ${cpus().length} CPUs; ` +
    `transport: ${TLS === 'imaps' ? 'IMAPS (implicit TLS)' : 'IMAP with STARTTLS'} for every tool (every tool verifies the test certificates)`);

  if (only !== 'batch') {
    progress(`generating ${N} messages, ~${MB} MB (seed ${SEED})`);
    const msgs = generateMailbox({ seed: SEED, messages: N, targetBytes: MB * 1e6 });
    const bytes = total(msgs);
    const t0 = Date.now();
    await uploadMailbox(login(at(src, 'sorgente', 'src'), 'src'), msgs, { connections: 4 });
    progress(`  uploaded ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const from = at(src, 'sorgente', 'src');
    const rows = new Map<string, Row>();
    /** One run of a tool into its own destination user; repeated runs of a tool share a row. */
    const tool = async (name: string, user: string, job: Job, ignore: string[] = []): Promise<void> => {
      await settle();
      progress(`${name} (${user}): copying`);
      const r = await measured(job.cmd, job.args, { ...(job.env ? { env: job.env } : {}) });
      progress(`  exit ${r.code} in ${r.seconds.toFixed(1)} s; checking`);
      const row = rows.get(name) ?? { tool: name, code: r.code, messages: msgs.length, bytes, runs: [] };
      rows.set(name, row);
      row.runs!.push(r.seconds);
      row.rss = Math.max(row.rss ?? 0, r.memory.rss);
      if (r.code !== 0) { row.code = r.code; row.note = `exit ${r.code}: ${errorLines(r.stderr + r.stdout)}`; }
      try {
        const c = await check(at(dst, user, 'dst'), msgs, ignore);
        // Every run is checked; the row shows the first one found wrong, else the last.
        if (!row.check || row.check.ok) row.check = c;
      } catch (e) { row.note = `${row.note ?? ''} check failed: ${(e as Error).message}`; }
    };
    for (let k = 1; k <= REPEAT; k++) {
      await tool('Recapito migrate copy', `recapito${k}`, recapitoCopy(from, at(dst, `recapito${k}`, 'dst'), join(work, `state-copy${k}`), ca), ['$Migrated']);
      // The same without re-reading the copies: what the verification costs, and a like-for-like
      // row beside tools that do not verify.
      await tool('  same, --no-verify', `recapitonv${k}`, recapitoCopy(from, at(dst, `recapitonv${k}`, 'dst'), join(work, `state-nv${k}`), ca, ['--no-verify']), ['$Migrated']);
      await tool('mbsync', `mbsync${k}`, await mbsyncJob(from, at(dst, `mbsync${k}`, 'dst'), join(work, `mbsync${k}`)));
    }
    // An order of magnitude slower than the others: one run tells enough.
    await tool('offlineimap', 'offlineimap', await offlineimapJob(from, at(dst, 'offlineimap', 'dst'), join(work, 'offlineimap')));
    printTable(`One mailbox: ${msgs.length} messages, ${(bytes / 1e6).toFixed(1)} MB, largest ${(Math.max(...msgs.map((m) => m.raw.length)) / 1e6).toFixed(1)} MB, ` +
      `${new Set(msgs.map((m) => m.folder)).size} folders (seed ${SEED})${REPEAT > 1 ? `; median of ${REPEAT} runs (offlineimap: 1)` : ''}`, [...rows.values()]);
  }

  if (only !== 'single') {
    progress(`generating and uploading ${MAILBOXES} mailboxes of ${SMALL.messages} messages, ~${SMALL.bytes / 1e6} MB`);
    const boxes = range(MAILBOXES, '').map((_, k) => generateMailbox({ seed: SEED + 1000 + k, messages: SMALL.messages, targetBytes: SMALL.bytes }));
    await pool(boxes, 8, (msgs, k) => uploadMailbox(login(at(src, `casella${k + 1}`, 'src'), 'src'), msgs, { connections: 2 }));
    const count = boxes.reduce((s, b) => s + b.length, 0);
    const bytes = boxes.reduce((s, b) => s + total(b), 0);
    const rows: Row[] = [];
    const verify = async (prefix: string, ignore: string[]): Promise<CompareResult> => {
      const results = await pool(boxes, 8, (msgs, k) => check(at(dst, `${prefix}${k + 1}`, 'dst'), msgs, ignore));
      const sum = (f: (c: CompareResult) => number): number => results.reduce((s, c) => s + f(c), 0);
      const reasons: Record<string, number> = {};
      for (const c of results) for (const [w, n] of Object.entries(c.reasons)) reasons[w] = (reasons[w] ?? 0) + n;
      return { ok: results.every((c) => c.ok), identical: sum((c) => c.identical), missing: sum((c) => c.missing), altered: sum((c) => c.altered),
        duplicated: sum((c) => c.duplicated), extra: sum((c) => c.extra), reasons,
        details: results.flatMap((c, k) => c.details.slice(0, 2).map((d) => `${prefix}${k + 1}: ${d}`)) };
    };
    const pairs = (prefix: string): [Endpoint, Endpoint][] => boxes.map((_, k) => [at(src, `casella${k + 1}`, 'src'), at(dst, `${prefix}${k + 1}`, 'dst')]);
    {
      await settle();
      progress(`Recapito migrate batch: ${MAILBOXES} mailboxes, 8 at a time`);
      const job = await recapitoBatch(pairs('rbatch'), join(work, 'batch'), PW, ca, 8);
      const r = await measured(job.cmd, job.args, { ...(job.env ? { env: job.env } : {}) });
      progress(`  exit ${r.code} in ${r.seconds.toFixed(1)} s; checking`);
      rows.push({ tool: 'Recapito migrate batch', code: r.code, seconds: r.seconds, messages: count, bytes, rss: r.memory.rss,
        check: await verify('rbatch', ['$Migrated']), ...(r.code !== 0 ? { note: `exit ${r.code}: ${errorLines(r.stderr + r.stdout)}` } : {}) });
    }
    await settle();
    progress(`mbsync: ${MAILBOXES} processes, 8 at a time`);
    const jobs = await Promise.all(pairs('mbatch').map(([s, d], k) => mbsyncJob(s, d, join(work, `mbatch${k + 1}`))));
    const m = await runMany(jobs, 8);
    const failed = m.runs.filter((r) => r.code !== 0);
    progress(`  ${failed.length} failed, ${m.seconds.toFixed(1)} s; checking`);
    rows.push({ tool: 'mbsync ×N, 8 at a time', code: failed[0]?.code ?? 0, seconds: m.seconds, messages: count, bytes, rss: m.memory.rss,
      check: await verify('mbatch', []), ...(failed.length ? { note: `${failed.length} runs failed, first: ${errorLines(failed[0]!.stderr)}` } : {}) });
    printTable(`${MAILBOXES} mailboxes at once: ${count} messages, ${(bytes / 1e6).toFixed(1)} MB in all`, rows);
  }
  console.log('\nexit = exit code (first failing one for the ×N row); ÷Recap. = wall time ÷ Recapito\'s; RSS = peak of the sum of VmRSS over the tool\'s process tree(s);');
  console.log('identical/missing/altered/dup/extra = independent check (imap_dump.py) of the destination against the generated messages; Recapito\'s $Migrated keyword is ignored.');
}

try {
  await main();
} catch (e) {
  process.exitCode = 1;
  console.error(`bench/migrate failed: ${(e as Error).stack ?? String(e)}`);
} finally {
  await cleanup();
}
