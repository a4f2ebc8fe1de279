/**
 * `recapito migrate copy --from URL --to URL`: copies one IMAP mailbox into another, verified and
 * resumable (packages/migrate). Passwords come from files, the environment or a prompt.
 */
import type { Command } from 'commander';
import { MigrateError, parseEndpoint, type Endpoint } from '@recapito/migrate';
import { CliError } from '../lib/cli-error.ts';
import { addMigrateOptions, parseMigrateFlags, trackRules, type MigrateFlags } from '../lib/migrate-options.ts';
import { EXIT_FOR, renderReport, reportJson } from '../lib/migrate-report.ts';
import { interruptSignal, MigrationProgress, runMailbox } from '../lib/migrate-run.ts';
import { resolvePassword } from '../lib/migrate-secrets.ts';
import { openState, showEndpoint } from '../lib/migrate-state.ts';

interface CopyFlags extends MigrateFlags {
  from: string;
  to: string;
  fromPasswordFile?: string;
  toPasswordFile?: string;
  job?: string;
}

export function endpointArg(url: string, flag: string): Endpoint {
  try {
    return parseEndpoint(url);
  } catch (err) {
    if (err instanceof MigrateError) throw new CliError(err.code, `${flag}: ${err.message}`);
    throw err;
  }
}

export function registerMigrateCopy(migrate: Command): void {
  const cmd = migrate.command('copy')
    .description('copy one IMAP mailbox into another: exact bytes, flags, dates; verified; resumable')
    .requiredOption('--from <url>', 'source mailbox, imaps://user@host:993 or imap://user@host:143 (STARTTLS); opened read-only')
    .requiredOption('--to <url>', 'destination mailbox, same form')
    .option('--from-password-file <file>', `source password file (else ${'$'}RECAPITO_FROM_PASSWORD, else asked on the terminal)`)
    .option('--to-password-file <file>', `destination password file (else ${'$'}RECAPITO_TO_PASSWORD, else asked)`)
    .option('--job <name>', 'name the job explicitly, e.g. when the old provider moves the mailbox to a temporary host');
  addMigrateOptions(cmd);
  const rules = trackRules(cmd);
  cmd.addHelpText('after', `
Examples:
  recapito migrate copy --from imaps://protocollo@pec.vecchio.example:993 --to imaps://protocollo@pec.nuovo.example:993 \\
      --from-password-file ./old.pw --to-password-file ./new.pw
  recapito migrate copy --from ... --to ... --exclude 'Archivio*'      # copy Archivio later
  recapito migrate copy --from ... --to ... --under Migrata --json      # keep the copy apart from INBOX

Running the same command again resumes and copies only what is new. Exit codes: 0 success,
1 partial (some messages failed; see the report and run again), 2 usage, 3 failure.`);
  cmd.action(async (flags: CopyFlags, self: Command) => {
    const source = endpointArg(flags.from, '--from');
    const destination = endpointArg(flags.to, '--to');
    const parsed = await parseMigrateFlags(flags, rules());
    const sourcePassword = await resolvePassword('from', flags.fromPasswordFile, showEndpoint(source));
    const destPassword = await resolvePassword('to', flags.toPasswordFile, showEndpoint(destination));
    const { store } = await openState(flags);
    const progress = new MigrationProgress(flags.progress !== false, true);
    const stop = interruptSignal();
    try {
      const report = await runMailbox({ source, destination, sourcePassword, destPassword, copy: parsed.copy, ...(flags.job ? { jobName: flags.job } : {}) },
        { store, open: parsed.open, progress, signal: stop.signal });
      progress.finish();
      process.stdout.write(flags.json ? JSON.stringify(reportJson(report), null, 2) + '\n' : renderReport(report));
      self.setOptionValue('exit', EXIT_FOR[report.status]);
    } finally {
      stop.dispose();
      await store.close();
    }
  });
}
