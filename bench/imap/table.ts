/**
 * The side-by-side table: one column per server, then for each Recapito column its ratio to
 * Dovecot, always Recapito ÷ Dovecot; the last column says whether higher or lower is better
 * for that row (so a ratio of 2 on a "lower" row means Recapito takes twice as long).
 */
import type { ServerResult } from './run.ts';

interface Row {
  readonly label: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher' | '';
  readonly digits: number;
  readonly get: (r: ServerResult) => number | undefined;
}

const MB = 1e6;
const rows: Row[] = [
  { label: 'load: pipelined APPEND (not measured)', unit: 's', better: 'lower', digits: 1, get: (r) => r.load?.seconds },
  { label: 'LOGIN+SELECT INBOX (median of 5)', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.select?.loginSelect },
  { label: '  of which LOGIN (password check)', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.select && r.select.loginSelect - r.select.select },
  { label: '  of which SELECT', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.select?.select },
  { label: 'UID FETCH 1:* (FLAGS) (median of 3)', unit: 'ms', better: 'lower', digits: 0, get: (r) => r.flags?.ms },
  { label: 'UID FETCH 1:* (BODY.PEEK[]) (median)', unit: 's', better: 'lower', digits: 2, get: (r) => r.bodies && r.bodies.ms / 1000 },
  { label: '  throughput', unit: 'MB/s', better: 'higher', digits: 1, get: (r) => r.bodies && r.bodies.bytes / MB / (r.bodies.ms / 1000) },
  { label: '  bytes returned', unit: 'MB', better: '', digits: 3, get: (r) => r.bodies && r.bodies.bytes / MB },
  { label: 'mixed: messages returned per second', unit: 'msg/s', better: 'higher', digits: 0, get: (r) => r.mixed?.messagesPerSec },
  { label: 'mixed: operations per second', unit: 'op/s', better: 'higher', digits: 0, get: (r) => r.mixed?.opsPerSec },
  { label: '  operations completed', unit: '', better: '', digits: 0, get: (r) => r.mixed?.ops },
  { label: 'mixed: latency p50 (all operations)', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.p50 },
  { label: 'mixed: latency p99 (all operations)', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.p99 },
  { label: '  FETCH <uid> BODY[] p50', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.body.p50 },
  { label: '  FETCH <uid> BODY[] p99', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.body.p99 },
  { label: '  FETCH 50 (FLAGS ENVELOPE) p50', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.range.p50 },
  { label: '  FETCH BODYSTRUCTURE+HEADER p50', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.structure.p50 },
  { label: '  UID SEARCH SUBJECT <word> p50', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.subject.p50 },
  { label: '  UID SEARCH FLAGGED p50', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.flagged.p50 },
  { label: '  NOOP/STATUS p50', unit: 'ms', better: 'lower', digits: 2, get: (r) => r.mixed?.kinds.noop.p50 },
  { label: '  NOOP/STATUS p99', unit: 'ms', better: 'lower', digits: 1, get: (r) => r.mixed?.kinds.noop.p99 },
  { label: '  failed commands', unit: '', better: 'lower', digits: 0, get: (r) => r.mixed?.errors },
  { label: 'peak RSS, sum over processes (measuring)', unit: 'MB', better: 'lower', digits: 1, get: (r) => r.memory && r.memory.rss / MB },
  { label: 'peak PSS, sum over processes (measuring)', unit: 'MB', better: 'lower', digits: 1, get: (r) => r.memory && r.memory.pss / MB },
  { label: 'peak RSS, sum over processes (loading)', unit: 'MB', better: 'lower', digits: 1, get: (r) => r.load && r.load.memory.rss / MB },
  { label: 'server processes (most at once)', unit: '', better: '', digits: 0, get: (r) => r.memory?.processes },
  { label: 'VmHWM of the server process (lifetime)', unit: 'MB', better: 'lower', digits: 1, get: (r) => r.hwm === undefined ? undefined : r.hwm / MB },
];

const fmt = (v: number | undefined, digits: number): string => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));

export function printTable(header: Record<string, string | number>, results: ServerResult[], totalSeconds: number): void {
  const ref = results.find((r) => r.name === 'Dovecot');
  const others = results.filter((r) => r !== ref);
  console.log(`bench/imap — node ${header['node']}, Dovecot ${header['dovecot']}, ${header['cpus']} CPUs; ` +
    `${header['messages']} messages, ${Number(header['megabytes']).toFixed(1)} MB (largest ${(Number(header['largest']) / MB).toFixed(2)} MB, ` +
    `${header['over1MB']} over 1 MiB), seed ${header['seed']}; mixed load ${header['clients']} clients × ${header['seconds']} s\n`);
  const w = 42;
  const col = Math.max(14, ...results.map((r) => r.name.length + 1));
  const head = ['metric'.padEnd(w), 'unit'.padEnd(6), ...results.map((r) => r.name.padStart(col)),
    ...(ref ? others.map((r) => `${r.name.replace('Recapito', 'R')}/D`.padStart(col)) : []), '  better'];
  console.log(head.join(' '));
  console.log('-'.repeat(head.join(' ').length));
  for (const row of rows) {
    const vals = results.map((r) => row.get(r));
    const ratios = ref ? others.map((r) => {
      const a = row.get(r);
      const b = row.get(ref);
      return a === undefined || b === undefined || b === 0 || row.better === '' ? undefined : a / b;
    }) : [];
    console.log([row.label.padEnd(w), row.unit.padEnd(6), ...vals.map((v) => fmt(v, row.digits).padStart(col)),
      ...ratios.map((v) => fmt(v, 2).padStart(col)), `  ${row.better}`].join(' '));
  }
  console.log('\nratio = Recapito ÷ Dovecot; "better" says which direction favours a server (lower time, higher rate).');
  console.log('LOGIN: Recapito checks an scrypt hash; the Dovecot test instance stores the password in clear ({PLAIN}).');
  console.log('Dovecot runs one process per connection: its RSS sum counts shared pages in each; PSS splits them.');
  if (results.some((r) => r.name.includes('PostgreSQL'))) console.log('Recapito (PostgreSQL): memory of the Recapito process only, not of the PostgreSQL server.');
  for (const r of results) {
    console.log(`\n${r.name}: ${r.anomalies.length === 0 ? 'no anomalies' : 'ANOMALIES'}`);
    for (const a of r.anomalies) console.log(`  - ${a}`);
  }
  console.log(`\ntotal ${totalSeconds.toFixed(0)} s`);
}
