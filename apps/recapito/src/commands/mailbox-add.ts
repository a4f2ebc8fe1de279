/** `recapito mailbox add ADDRESS --password-file F --type standard|massive [--quota 6GB]`. */
import type { Command } from 'commander';
import { DEFAULT_LIMITS, DEFAULT_QUOTA, hashPassword, parseLimits, parseSize } from '@recapito/provider';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';
import { readPassword } from '../lib/password-input.ts';

interface AddFlags { data: string; db?: string; passwordFile: string; type: string; quota?: string; limits?: string; ordinaryMail?: string; json?: boolean }

export function registerMailboxAdd(mailbox: Command): void {
  mailbox.command('add')
    .description('create a certified mailbox')
    .argument('<address>', 'mailbox address in one of our domains')
    .requiredOption('--data <dir>', 'provider data folder')
    .requiredOption('--password-file <file>', 'file holding the password ("-" for standard input)')
    .option('--type <type>', 'standard | massive', 'standard')
    .option('--quota <size>', 'quota, e.g. 2GB (standard default) or 6GB (massive default)')
    .option('--limits <list>', 'traffic limits, e.g. recipients=100,size=30MB,total=300MB,perDay=2000,perMinute=60')
    .option('--ordinary-mail <accept|refuse>', 'deliver ordinary (non-PEC) mail as anomaly envelopes', 'accept')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print the mailbox as JSON')
    .addHelpText('after', '\nExample:\n  recapito mailbox add protocollo@pec.comune.example.it --data ./data --password-file pw.txt --type massive')
    .action(async (address: string, flags: AddFlags, cmd: Command) => {
      const type = flags.type;
      if (type !== 'standard' && type !== 'massive') throw new CliError('USAGE', '--type must be standard or massive');
      const quota = flags.quota ? parseSize(flags.quota) : DEFAULT_QUOTA[type];
      if (quota === undefined) throw new CliError('USAGE', `--quota: "${flags.quota}" is not a size (e.g. 2GB, 500MB)`);
      const limits = flags.limits ? parseLimits(flags.limits, DEFAULT_LIMITS[type]) : DEFAULT_LIMITS[type];
      if (typeof limits === 'string') throw new CliError('USAGE', `--limits: ${limits}`);
      if (flags.ordinaryMail !== 'accept' && flags.ordinaryMail !== 'refuse') throw new CliError('USAGE', '--ordinary-mail must be accept or refuse');
      const password = await readPassword(flags.passwordFile);
      const addr = address.trim().toLowerCase();
      const m = await withStore(flags, async (store) => {
        const domain = addr.split('@')[1] ?? '';
        if (!/^[^@\s]+@[^@\s]+$/.test(addr)) throw new CliError('USAGE', `"${address}" is not an e-mail address`);
        if (!(await store.accounts.isLocalDomain(domain))) throw new CliError('DOMAIN_UNKNOWN', `${domain} is not a domain of this provider; add it with: recapito domain add ${domain}`);
        if (await store.accounts.getMailbox(addr)) throw new CliError('MAILBOX_EXISTS', `${addr} already exists`);
        return store.accounts.addMailbox({ address: addr, type, passwordHash: await hashPassword(password), quotaBytes: quota, limits, acceptsOrdinaryMail: flags.ordinaryMail === 'accept' });
      });
      if (flags.json) process.stdout.write(JSON.stringify({ address: m.address, type: m.type, quotaBytes: m.quotaBytes, limits: m.limits }, null, 2) + '\n');
      else process.stdout.write(`mailbox ${m.address} (${m.type}, quota ${(m.quotaBytes / 1024 ** 3).toFixed(1)} GB) created\n`);
      cmd.setOptionValue('exit', EXIT.ok);
    });
}
