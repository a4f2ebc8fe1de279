/** `recapito mailbox list [--domain D] [--json]`. */
import type { Command } from 'commander';
import type { Mailbox } from '@recapito/store';
import { withStore } from '../lib/open-data.ts';

/** A mailbox as users read it; the state names are those the migration flips. */
export function describeMailbox(m: Mailbox): Record<string, unknown> & { state: string } {
  const state = m.ceasedAt ? 'ceased' : m.readOnly ? 'read-only' : !m.sendingEnabled ? 'sending-disabled' : 'active';
  return {
    address: m.address, type: m.type, state, quotaBytes: m.quotaBytes, usedBytes: m.usedBytes,
    sendingEnabled: m.sendingEnabled, readOnly: m.readOnly, acceptsOrdinaryMail: m.acceptsOrdinaryMail,
    limits: m.limits, createdAt: m.createdAt.toISOString(), ceasedAt: m.ceasedAt?.toISOString() ?? null,
  };
}

export function registerMailboxList(mailbox: Command): void {
  mailbox.command('list')
    .description('list mailboxes with type, state, usage')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--domain <domain>', 'only this domain')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print a JSON array')
    .action(async (flags: { data: string; db?: string; domain?: string; json?: boolean }) => {
      const list = await withStore(flags, (store) => store.accounts.listMailboxes(flags.domain?.toLowerCase()));
      const rows = list.map(describeMailbox);
      if (flags.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const gb = (n: number): string => `${(n / 1024 ** 3).toFixed(2)} GB`;
      for (const r of rows) {
        process.stdout.write(`${String(r['address']).padEnd(40)} ${String(r['type']).padEnd(9)} ${r.state.padEnd(17)} ${gb(Number(r['usedBytes']))} / ${gb(Number(r['quotaBytes']))}\n`);
      }
      process.stdout.write(`${rows.length} mailbox${rows.length === 1 ? '' : 'es'}\n`);
    });
}
