/**
 * The side-by-side table of the migration bench: one row per tool, its time as a ratio to
 * Recapito's (tool ÷ Recapito, so 3.0 means three times as long as Recapito), throughput, peak
 * memory of the tool's process tree, exit code, and what the independent reader found on the
 * destination. Reasons for altered messages follow the table, counted per reason.
 */
import { summary, type CompareResult } from '../../apps/recapito/test/support/mailbox-compare.ts';

export interface Row {
  tool: string;
  /** Why the tool did not run (e.g. the CLI has no migrate command yet). */
  code?: number;
  seconds?: number;
  messages: number;
  bytes: number;
  rss?: number;
  check?: CompareResult;
  /** First lines of the tool's error output when it failed, or a failure of the check. */
  note?: string;
  /** Wall seconds of each run when the tool ran more than once; `seconds` is then their median. */
  runs?: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const fmt = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function printTable(title: string, rows: Row[]): void {
  for (const r of rows) if (r.runs?.length) r.seconds = median(r.runs);
  const ref = rows.find((r) => r.tool.startsWith('Recapito') && r.seconds !== undefined && r.code === 0);
  console.log(`\n${title}`);
  const cols = ['tool'.padEnd(26), 'exit'.padStart(4), 'wall s'.padStart(8), '÷Recap.'.padStart(8), 'msg/s'.padStart(7),
    'MB/s'.padStart(7), 'RSS MB'.padStart(7), '  identical/missing/altered/dup/extra'];
  console.log(cols.join(' '));
  console.log('-'.repeat(cols.join(' ').length));
  for (const r of rows) {
    const s = r.seconds;
    const c = r.check;
    const verdict = c ? `${c.identical}/${c.missing}/${c.altered}/${c.duplicated}/${c.extra}${c.ok ? ' ok' : ''}` : 'not checked';
    console.log([r.tool.padEnd(26), String(r.code ?? '—').padStart(4), fmt(s, 1).padStart(8),
      fmt(ref?.seconds && s !== undefined ? s / ref.seconds : undefined, 2).padStart(8),
      fmt(s ? r.messages / s : undefined, 0).padStart(7), fmt(s ? r.bytes / 1e6 / s : undefined, 1).padStart(7),
      fmt(r.rss === undefined ? undefined : r.rss / 1e6, 0).padStart(7), `  ${verdict}`].join(' '));
  }
  const repeated = rows.filter((r) => (r.runs?.length ?? 0) > 1);
  if (repeated.length > 0) {
    console.log('\nwall s of every run:');
    for (const r of repeated) console.log(`  ${r.tool.trim().padEnd(24)} ${r.runs!.map((x) => x.toFixed(1)).join('  ')}`);
  }
  for (const r of rows) {
    if (r.check && !r.check.ok) {
      console.log(`\n${r.tool}: ${summary(r.check)}`);
      for (const d of r.check.details.slice(0, 12)) console.log(`  ${d}`);
    }
    if (r.note) console.log(`\n${r.tool}: ${r.note}`);
  }
}
