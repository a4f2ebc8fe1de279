/**
 * `recapito migrate batch FILE`: many mailboxes from a CSV or XLSX file, one row each, several
 * at once, with per-host connection limits. The file is checked whole before anything starts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HostLimits, parseBatchFile, type BatchRow, type CredentialRef, type MailboxReport } from '@recapito/migrate';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { addMigrateOptions, parseMigrateFlags, trackRules, type MigrateFlags, type Parsed } from '../lib/migrate-options.ts';
import { EXIT_FOR, renderReport, reportJson, totals } from '../lib/migrate-report.ts';
import { interruptSignal, MigrationProgress, runMailbox, type RunContext } from '../lib/migrate-run.ts';
import { passwordFromEnv, passwordFromFile } from '../lib/migrate-secrets.ts';
import { openState, showEndpoint } from '../lib/migrate-state.ts';

interface BatchFlags extends MigrateFlags { parallel?: string; perHost?: string }

function whole(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000) throw new CliError('USAGE', `--${name} must be a whole number from 1 to 10000`);
  return Number(v);
}

function secret(ref: CredentialRef, what: string): Promise<string> {
  return ref.kind === 'env' ? Promise.resolve(passwordFromEnv(ref.name, what)) : passwordFromFile(ref.path, what);
}

/** The row's options on top of the command line's: its rules come after (and so win). */
function rowCopy(base: Parsed['copy'], row: BatchRow): Parsed['copy'] {
  const o = row.options;
  return {
    ...base,
    rules: [...base.rules, ...o.rules],
    ...(o.mark !== undefined ? { mark: o.mark } : {}),
    ...(o.underFolder !== undefined ? { underFolder: o.underFolder } : {}),
    ...(o.sourcePrefix !== undefined ? { sourcePrefix: o.sourcePrefix } : {}),
    ...(o.destPrefix !== undefined ? { destPrefix: o.destPrefix } : {}),
  };
}

/** A row that could not start (its password is missing): reported like a failed mailbox. */
function failedRow(row: BatchRow, err: unknown): MailboxReport {
  const e = err as { code?: string; message?: string };
  return {
    source: showEndpoint(row.source), destination: showEndpoint(row.destination), status: 'failure', folders: [], excluded: [], warnings: [],
    error: { code: e.code ?? 'INTERNAL', message: `row ${row.row}: ${e.message ?? String(err)}` }, durationMs: 0,
  };
}

async function runRow(row: BatchRow, parsed: Parsed, ctx: RunContext): Promise<MailboxReport> {
  try {
    const what = showEndpoint(row.source);
    const sourcePassword = await secret(row.credentials, what);
    const destPassword = await secret(row.destinationCredentials ?? row.credentials, showEndpoint(row.destination));
    return await runMailbox({ source: row.source, destination: row.destination, sourcePassword, destPassword, copy: rowCopy(parsed.copy, row) }, ctx);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failedRow(row, err);
  }
}

export function registerMigrateBatch(migrate: Command): void {
  const cmd = migrate.command('batch')
    .description('copy many mailboxes listed in a CSV or XLSX file (one row per mailbox), several at once')
    .argument('<file>', 'batch file: columns sorgente/source, destinazione/destination, credenziali/credentials, [credenziali_destinazione], [opzioni/options]')
    .option('--parallel <n>', 'mailboxes copied at once', '4')
    .option('--per-host <n>', 'connections at most to any one server (host:port)', '16');
  addMigrateOptions(cmd);
  const rules = trackRules(cmd);
  cmd.addHelpText('after', `
Example file (CSV, "," or ";"):
  sorgente;destinazione;credenziali;credenziali_destinazione;opzioni
  imaps://protocollo@pec.vecchio.example;imaps://protocollo@pec.nuovo.example;env:PW_PROTOCOLLO;;exclude=Archivio*
  imaps://ragioneria@pec.vecchio.example;imaps://ragioneria@pec.nuovo.example;./pw/ragioneria;./pw/ragioneria.new;under=Migrata

Credentials are env:NAME or a file path, never the password itself; without a destination
column the source password is used on both sides. Example:
  recapito migrate batch caselle.xlsx --parallel 8 --per-host 20 --json > report.json
Exit codes: 0 all copied, 1 some mailboxes partial or failed, 2 usage or invalid file, 3 all failed.`);
  cmd.action(async (file: string, flags: BatchFlags, self: Command) => {
    const parsed = await parseMigrateFlags(flags, rules());
    const parallel = whole(flags.parallel, 'parallel', 4);
    const perHost = whole(flags.perHost, 'per-host', 16);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      throw new CliError('FILE_UNREADABLE', `cannot read the batch file ${file}`);
    }
    const batch = await parseBatchFile(file, bytes);
    if (batch.errors.length > 0) {
      for (const e of batch.errors) process.stderr.write(`${file}${e.row > 0 ? `:${e.row}` : ''}${e.column ? ` (${e.column})` : ''}: [${e.code}] ${e.message}\n`);
      throw new CliError(batch.errors[0]!.code, `${batch.errors.length} problem(s) in ${file}; nothing was copied`);
    }
    if (batch.rows.length === 0) throw new CliError('BATCH_FILE_INVALID', `${file} lists no mailbox: add one row per mailbox under the header`);
    const { store } = await openState(flags);
    const progress = new MigrationProgress(flags.progress !== false, false);
    const stop = interruptSignal();
    const ctx: RunContext = { store, open: parsed.open, hostLimits: new HostLimits(perHost), progress, signal: stop.signal };
    const reports: MailboxReport[] = new Array(batch.rows.length);
    try {
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(parallel, batch.rows.length) }, async () => {
        for (let i = next++; i < batch.rows.length && !stop.signal.aborted; i = next++) reports[i] = await runRow(batch.rows[i]!, parsed, ctx);
      }));
    } finally {
      progress.finish();
      stop.dispose();
      await store.close();
    }
    const done = reports.filter((r): r is MailboxReport => r !== undefined);
    const ok = done.filter((r) => r.status === 'success').length;
    const failed = done.filter((r) => r.status === 'failure').length;
    const exit = ok === batch.rows.length ? EXIT.ok : failed === batch.rows.length ? EXIT.failure : EXIT.findings;
    if (flags.json) {
      const all = done.map(totals);
      const sum = (k: keyof ReturnType<typeof totals>): number => all.reduce((n, t) => n + t[k], 0);
      process.stdout.write(JSON.stringify({ mailboxes: done.map(reportJson), summary: { rows: batch.rows.length, success: ok, failure: failed, partial: done.length - ok - failed, copied: sum('copied'), copiedBytes: sum('copiedBytes'), failed: sum('failed'), verified: sum('verified') }, exitCode: exit }, null, 2) + '\n');
    } else {
      for (const r of done) process.stdout.write(renderReport(r) + '\n');
      process.stdout.write(`caselle / mailboxes: ${batch.rows.length}, completate / success ${ok}, parziali / partial ${done.length - ok - failed}, fallite / failure ${failed}\n`);
    }
    self.setOptionValue('exit', exit === EXIT.ok ? EXIT_FOR.success : exit);
  });
}
