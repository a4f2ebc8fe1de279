/**
 * The report of a migration, as text (a table per mailbox, Italian and English headings) and as
 * JSON, and the exit code: 0 everything copied and verified, 1 partial (some messages or folders
 * failed: the report says which, a re-run retries them), 3 failure (nothing could be done).
 */
import type { MailboxReport, RunStatus } from '@recapito/migrate';
import { EXIT } from './cli-error.ts';
import { formatBytes, formatDuration } from './progress.ts';

export const EXIT_FOR: Record<RunStatus, number> = { success: EXIT.ok, partial: EXIT.findings, failure: EXIT.failure };

export interface Totals { messages: number; bytes: number; copied: number; copiedBytes: number; skipped: number; failed: number; verified: number; pecChecked: number; pecIntact: number }

export function totals(r: MailboxReport): Totals {
  const t: Totals = { messages: 0, bytes: 0, copied: 0, copiedBytes: 0, skipped: 0, failed: 0, verified: 0, pecChecked: 0, pecIntact: 0 };
  for (const f of r.folders) {
    for (const k of Object.keys(t) as (keyof Totals)[]) t[k] += f[k];
  }
  return t;
}

export function reportJson(r: MailboxReport): Record<string, unknown> {
  return { ...r, totals: totals(r), exitCode: EXIT_FOR[r.status] };
}

const STATUS_TEXT: Record<RunStatus, string> = {
  success: 'completata / success',
  partial: 'parziale / partial: run again to retry what failed',
  failure: 'fallita / failure',
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function renderReport(r: MailboxReport): string {
  const out: string[] = [`${r.source} → ${r.destination}`];
  const rows: string[][] = [['cartella / folder', 'messaggi', 'byte', 'copiati', 'già presenti', 'falliti', 'verificati', 'PEC firma ok'],
    ['', 'messages', 'bytes', 'copied', 'skipped', 'failed', 'verified', 'PEC signed ok']];
  const line = (name: string, f: Totals): string[] => [name, String(f.messages), formatBytes(f.bytes), String(f.copied), String(f.skipped), String(f.failed), String(f.verified), f.pecChecked ? `${f.pecIntact}/${f.pecChecked}` : '-'];
  for (const f of r.folders) rows.push(line(f.source === f.destination ? f.source : `${f.source} → ${f.destination}`, f));
  const t = totals(r);
  rows.push(line('totale / total', t));
  if (r.folders.length > 0) out.push(table(rows));
  if (r.excluded.length > 0) out.push(`escluse / excluded: ${r.excluded.join(', ')}`);
  for (const w of r.warnings) out.push(`avviso / warning [${w.code}]: ${w.message}`);
  for (const f of r.folders) {
    if (f.error) out.push(`${f.source}: [${f.error.code}] ${f.error.message}`);
    for (const e of f.errors.slice(0, 50)) out.push(`${f.source} UID ${e.uid}: [${e.code}] ${e.reason}`);
    if (f.errors.length > 50) out.push(`${f.source}: … ${f.errors.length - 50} more (see --json)`);
    if (f.flagsDropped > 0) out.push(`${f.source}: ${f.flagsDropped} messages lost flags or keywords the destination does not keep`);
  }
  if (r.error) out.push(`errore / error [${r.error.code}]: ${r.error.message}`);
  const secs = r.durationMs / 1000;
  const rate = secs > 0 && t.copied > 0 ? `, ${Math.round(t.copied / secs)} msg/s, ${formatBytes(t.copiedBytes / secs)}/s` : '';
  out.push(`esito / result: ${STATUS_TEXT[r.status]} in ${formatDuration(secs)}${rate} (exit ${EXIT_FOR[r.status]})`);
  return out.join('\n') + '\n';
}
