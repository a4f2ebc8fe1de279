/**
 * `recapito serve --data DIR`: runs the provider's listeners and pipeline until SIGTERM/SIGINT,
 * then drains and stops cleanly.
 */
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { startServer } from '../lib/server.ts';
import { stderrLogger } from '../lib/logger.ts';
import { systemClock } from '../lib/system-clock.ts';

interface ServeFlags { data: string; bind?: string; db?: string; submissionPort?: string; starttlsPort?: string; smtpPort?: string; imapPort?: string; imapsPort?: string; pop3Port?: string; pop3sPort?: string; accessWorkers?: string; json?: boolean }

function portFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError('USAGE', `--${name}: "${v}" is not a port (0 disables the listener)`);
  return n;
}

export function registerServe(root: Command): void {
  root.command('serve')
    .description('run the provider: SMTP submission, inter-provider SMTP, delivery and receipts, IMAP and POP3 access')
    .requiredOption('--data <dir>', 'provider data folder (from recapito init)')
    .option('--bind <addr>', 'address to listen on')
    .option('--db <url>', 'PostgreSQL URL (overrides the config)')
    .option('--submission-port <n>', 'submission with implicit TLS (default 465; 0 disables)')
    .option('--starttls-port <n>', 'submission with STARTTLS (default 587; 0 disables)')
    .option('--smtp-port <n>', 'inter-provider SMTP with STARTTLS (default 25; 0 disables)')
    .option('--imap-port <n>', 'IMAP with STARTTLS (default 143; 0 disables)')
    .option('--imaps-port <n>', 'IMAP with implicit TLS (default 993; 0 disables)')
    .option('--pop3-port <n>', 'POP3 with STLS (default 110; 0 disables)')
    .option('--pop3s-port <n>', 'POP3 with implicit TLS (default 995; 0 disables)')
    .option('--access-workers <n>', 'serve IMAP and POP3 from n worker processes sharing the ports (default 0: this process)')
    .option('--json', 'print the listeners as one JSON line')
    .addHelpText('after', `
Examples:
  recapito serve --data ./data
  recapito serve --data ./data --bind 0.0.0.0 --submission-port 10465 --starttls-port 0 --smtp-port 10025
  recapito serve --data ./data --imaps-port 10993 --pop3s-port 10995 --imap-port 0 --pop3-port 0
  recapito serve --data ./data --access-workers 4       # IMAP and POP3 on 4 more CPUs`)
    .action(async (flags: ServeFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runServe(flags));
    });
}

async function runServe(flags: ServeFlags): Promise<number> {
  const ports = Object.fromEntries(Object.entries({
    submission: portFlag('submission-port', flags.submissionPort),
    starttls: portFlag('starttls-port', flags.starttlsPort),
    smtp: portFlag('smtp-port', flags.smtpPort),
    imap: portFlag('imap-port', flags.imapPort),
    imaps: portFlag('imaps-port', flags.imapsPort),
    pop3: portFlag('pop3-port', flags.pop3Port),
    pop3s: portFlag('pop3s-port', flags.pop3sPort),
  }).filter(([, v]) => v !== undefined));
  const workers = flags.accessWorkers === undefined ? 0 : Number(flags.accessWorkers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new CliError('USAGE', `--access-workers: "${flags.accessWorkers}" is not a number of processes from 0 to 64`);
  const server = await startServer({
    dataDir: flags.data, clock: systemClock, logger: stderrLogger, ports, accessWorkers: workers,
    ...(flags.bind ? { bind: flags.bind } : {}), ...(flags.db ? { db: flags.db } : {}),
  });
  if (flags.json) process.stdout.write(JSON.stringify({ domain: server.config.domain, listeners: server.listeners }) + '\n');
  else {
    process.stdout.write(`Recapito provider ${server.config.name} (${server.config.domain}) is running\n`);
    for (const l of server.listeners) process.stdout.write(`  ${l.name.padEnd(34)} ${l.address}:${l.port}\n`);
    process.stdout.write('Stop with Ctrl-C (SIGINT) or SIGTERM.\n');
  }
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  await server.stop();
  process.stderr.write('stopped cleanly\n');
  return EXIT.ok;
}
