/**
 * `recapito mailbox export ADDRESS --out DIR`: every message as the raw .eml it is stored as,
 * byte for byte, one subfolder per folder, named by UID.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';

export function registerMailboxExport(mailbox: Command): void {
  mailbox.command('export')
    .description('write every message of a mailbox as raw .eml files, one subfolder per folder')
    .argument('<address>', 'mailbox address')
    .requiredOption('--data <dir>', 'provider data folder')
    .requiredOption('--out <dir>', 'destination folder')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print counts as JSON')
    .addHelpText('after', '\nExample:\n  recapito mailbox export protocollo@pec.comune.example.it --data ./data --out ./export')
    .action(async (address: string, flags: { data: string; db?: string; out: string; json?: boolean }, cmd: Command) => {
      const addr = address.trim().toLowerCase();
      const counts = await withStore(flags, async (store) => {
        const m = await store.accounts.getMailbox(addr);
        if (!m) throw new CliError('MAILBOX_NOT_FOUND', `no mailbox ${addr}`);
        const out: Record<string, number> = {};
        for (const folder of await store.mailboxes.listFolders(m.id)) {
          const dir = join(flags.out, ...folder.name.split('/'));
          await mkdir(dir, { recursive: true });
          let n = 0;
          let after = 0;
          for (;;) {
            const batch = await store.mailboxes.listMessages(folder.id, { afterUid: after, limit: 500 });
            if (batch.length === 0) break;
            for (const msg of batch) {
              await writeFile(join(dir, `${String(msg.uid).padStart(8, '0')}.eml`), await store.blobs.get(msg.blobId));
              n++;
              after = msg.uid;
            }
          }
          out[folder.name] = n;
        }
        return out;
      });
      if (flags.json) process.stdout.write(JSON.stringify({ address: addr, out: flags.out, folders: counts }, null, 2) + '\n');
      else for (const [f, n] of Object.entries(counts)) process.stdout.write(`${f}: ${n} message${n === 1 ? '' : 's'}\n`);
      cmd.setOptionValue('exit', EXIT.ok);
    });
}
