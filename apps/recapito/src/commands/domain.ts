/** `recapito domain add DOMAIN` and `recapito domain list`. */
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';

export function registerDomain(root: Command): void {
  const domain = root.command('domain').description('certified domains served by this provider');
  domain.command('add')
    .description('add a certified domain')
    .argument('<domain>', 'domain name, e.g. pec.comune.example.it')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--db <url>', 'PostgreSQL URL')
    .addHelpText('after', '\nExample:\n  recapito domain add pec.comune.example.it --data ./data')
    .action(async (name: string, flags: { data: string; db?: string }) => {
      const d = name.toLowerCase();
      if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(d)) throw new CliError('USAGE', `"${name}" is not a domain name`);
      await withStore(flags, async (store, config) => {
        await store.accounts.addDomain(d);
        // Our own index record lists every domain we manage (RFC 6109 §4.5 managedDomains).
        const own = (await store.index.list()).find((p) => p.name === config.name);
        if (own && !own.domains.includes(d)) await store.index.put({ ...own, domains: [...own.domains, d] });
      });
      process.stdout.write(`domain ${d} added\n`);
    });
  domain.command('list')
    .description('list the certified domains')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print JSON')
    .action(async (flags: { data: string; db?: string; json?: boolean }) => {
      const list = await withStore(flags, (store) => store.accounts.listDomains());
      process.stdout.write(flags.json ? JSON.stringify(list) + '\n' : list.join('\n') + '\n');
    });
}
