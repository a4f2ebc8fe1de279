/**
 * The message log (registro, RFC 6109 §2.3): `recapito log search` and `recapito log verify`
 * (checks the hash chain: any edited or deleted entry is found).
 */
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';

interface SearchFlags { data: string; db?: string; msgid?: string; address?: string; since?: string; until?: string; limit: string; json?: boolean }

function date(flag: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new CliError('USAGE', `${flag}: "${v}" is not a date (e.g. 2026-11-23 or 2026-11-23T10:00:00Z)`);
  return d;
}

export function registerLog(root: Command): void {
  const log = root.command('log').description('the message log (registro): every event of every transaction');
  log.command('search')
    .description('find log events by PEC message id, address and time')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--msgid <id>', 'PEC message id (identificativo) or Message-ID of a generated message')
    .option('--address <addr>', 'sender or recipient')
    .option('--since <date>', 'from this instant')
    .option('--until <date>', 'up to this instant')
    .option('--limit <n>', 'at most this many events', '1000')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print a JSON array')
    .addHelpText('after', '\nExamples:\n  recapito log search --data ./data --msgid rcp.20261123093000.ab12@pec.example.it\n  recapito log search --data ./data --address protocollo@pec.example.it --since 2026-11-01 --json')
    .action(async (flags: SearchFlags, cmd: Command) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new CliError('USAGE', '--limit must be a positive integer');
      const since = date('--since', flags.since);
      const until = date('--until', flags.until);
      const msgid = flags.msgid?.replace(/^<|>$/g, '');
      const events = await withStore(flags, async (store) => {
        const q = { ...(flags.address ? { address: flags.address.toLowerCase() } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}), limit };
        if (!msgid) return store.log.search(q);
        const [a, b] = await Promise.all([store.log.search({ ...q, pecMsgId: msgid }), store.log.search({ ...q, messageId: msgid })]);
        const seen = new Set(a.map((e) => e.id));
        return [...a, ...b.filter((e) => !seen.has(e.id))].sort((x, y) => x.id - y.id);
      });
      if (flags.json) process.stdout.write(JSON.stringify(events.map((e) => ({ ...e, at: e.at.toISOString() })), null, 2) + '\n');
      else {
        for (const e of events) {
          process.stdout.write(`${e.at.toISOString()} ${e.event.padEnd(22)} ${e.pecMsgId ?? '-'} from=${e.sender ?? '-'} to=${e.recipients.join(',') || '-'}${e.subject ? ` subject="${e.subject}"` : ''}${Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : ''}\n`);
        }
        process.stdout.write(`${events.length} event${events.length === 1 ? '' : 's'}\n`);
      }
      cmd.setOptionValue('exit', EXIT.ok);
    });
  log.command('verify')
    .description('verify the hash chain of the log (tamper evidence)')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--db <url>', 'PostgreSQL URL')
    .action(async (flags: { data: string; db?: string }, cmd: Command) => {
      const broken = await withStore(flags, (store) => store.log.verifyChain());
      if (broken === undefined) process.stdout.write('log chain intact\n');
      else process.stdout.write(`log chain BROKEN at entry ${broken}: it was modified or an entry before it was removed\n`);
      cmd.setOptionValue('exit', broken === undefined ? EXIT.ok : EXIT.findings);
    });
}
