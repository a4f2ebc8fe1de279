/**
 * `recapito mailbox set ADDRESS [--read-only | --read-write] [--sending off|on] [--quota …]
 * [--limits …] [--password-file F] [--cease]`: what the migration flips. Takes effect on the
 * running server at once (it reads the mailbox on every operation).
 */
import type { Command } from 'commander';
import { hashPassword, parseLimits, parseSize } from '@recapito/provider';
import type { MailboxPatch } from '@recapito/store';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';
import { readPassword } from '../lib/password-input.ts';
import { describeMailbox } from './mailbox-list.ts';

interface SetFlags {
  data: string; db?: string; readOnly?: boolean; readWrite?: boolean; sending?: string; quota?: string; limits?: string;
  passwordFile?: string; type?: string; ordinaryMail?: string; cease?: boolean; json?: boolean;
}

export function registerMailboxSet(mailbox: Command): void {
  mailbox.command('set')
    .description('change a mailbox: access, sending, quota, limits, password, type')
    .argument('<address>', 'mailbox address')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--read-only', 'refuse deliveries and writes; reading still works (migration)')
    .option('--read-write', 'back to normal access')
    .option('--sending <on|off>', 'enable or disable sending')
    .option('--quota <size>', 'new quota, e.g. 6GB')
    .option('--limits <list>', 'traffic limits, e.g. recipients=100,perDay=2000')
    .option('--type <type>', 'standard | massive')
    .option('--ordinary-mail <accept|refuse>', 'ordinary mail as anomaly envelopes or refused')
    .option('--password-file <file>', 'set a new password from this file ("-" for stdin)')
    .option('--cease', 'cease the mailbox: no login, no delivery')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print the mailbox as JSON')
    .addHelpText('after', `
Examples:
  recapito mailbox set protocollo@pec.comune.example.it --data ./data --sending off
  recapito mailbox set protocollo@pec.comune.example.it --data ./data --read-only`)
    .action(async (address: string, flags: SetFlags, cmd: Command) => {
      if (flags.readOnly && flags.readWrite) throw new CliError('USAGE', '--read-only and --read-write exclude each other');
      const patch: { -readonly [K in keyof MailboxPatch]: MailboxPatch[K] } = {};
      if (flags.readOnly) patch.readOnly = true;
      if (flags.readWrite) patch.readOnly = false;
      if (flags.sending !== undefined) {
        if (flags.sending !== 'on' && flags.sending !== 'off') throw new CliError('USAGE', '--sending must be on or off');
        patch.sendingEnabled = flags.sending === 'on';
      }
      if (flags.quota !== undefined) {
        const q = parseSize(flags.quota);
        if (q === undefined) throw new CliError('USAGE', `--quota: "${flags.quota}" is not a size (e.g. 6GB)`);
        patch.quotaBytes = q;
      }
      if (flags.type !== undefined) {
        if (flags.type !== 'standard' && flags.type !== 'massive') throw new CliError('USAGE', '--type must be standard or massive');
        patch.type = flags.type;
      }
      if (flags.ordinaryMail !== undefined) {
        if (flags.ordinaryMail !== 'accept' && flags.ordinaryMail !== 'refuse') throw new CliError('USAGE', '--ordinary-mail must be accept or refuse');
        patch.acceptsOrdinaryMail = flags.ordinaryMail === 'accept';
      }
      if (flags.passwordFile) patch.passwordHash = await hashPassword(await readPassword(flags.passwordFile));
      const addr = address.trim().toLowerCase();
      const m = await withStore(flags, async (store) => {
        const current = await store.accounts.getMailbox(addr);
        if (!current) throw new CliError('MAILBOX_NOT_FOUND', `no mailbox ${addr}; list them with: recapito mailbox list --data ${flags.data}`);
        if (flags.limits !== undefined) {
          const l = parseLimits(flags.limits, current.limits);
          if (typeof l === 'string') throw new CliError('USAGE', `--limits: ${l}`);
          patch.limits = l;
        }
        if (flags.cease) patch.ceasedAt = new Date();
        if (Object.keys(patch).length === 0) throw new CliError('USAGE', 'nothing to change: give at least one option (see --help)');
        return store.accounts.updateMailbox(addr, patch);
      });
      process.stdout.write(flags.json ? JSON.stringify(describeMailbox(m), null, 2) + '\n' : `mailbox ${m.address} updated: ${describeMailbox(m).state}\n`);
      cmd.setOptionValue('exit', EXIT.ok);
    });
}
