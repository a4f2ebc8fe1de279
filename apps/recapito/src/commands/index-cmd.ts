/**
 * The local copy of the providers' index (RFC 6109 §4.5): `recapito index add-provider`,
 * `recapito index import FILE` (LDIF or JSON file form), `recapito index list`. The running
 * server picks changes up within seconds.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { derToPem, parseIndexFile, pemToDerList, recordsFromLdif, type ProviderRecord } from '@recapito/core';
import type { StoredProvider } from '@recapito/store';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { withStore } from '../lib/open-data.ts';

function stored(r: ProviderRecord): StoredProvider {
  return { name: r.unit ? `${r.name} / ${r.unit}` : r.name, mailReceipt: r.mailReceipt, domains: r.managedDomains, certificates: r.certificates.map((c) => derToPem(c, 'CERTIFICATE')), route: r.route ?? null };
}

export function registerIndex(root: Command): void {
  const index = root.command('index').description("the local copy of the providers' index");
  index.command('add-provider')
    .description('add or replace a provider in the local index')
    .requiredOption('--data <dir>', 'provider data folder')
    .requiredOption('--name <name>', 'provider name')
    .requiredOption('--domain <domain...>', 'certified domains it manages')
    .requiredOption('--cert <provider.pem>', 'its signing certificate (PEM; the first certificate is used)')
    .option('--mail-receipt <address>', 'its service mailbox (default posta-certificata@<first domain>)')
    .option('--route <host:port>', 'deliver to this SMTP host instead of MX (tests, private networks)')
    .option('--db <url>', 'PostgreSQL URL')
    .addHelpText('after', '\nExample:\n  recapito index add-provider --data ./alfa --name "Beta PEC" --domain pec.beta.test --cert beta/pki/provider.pem --route 127.0.0.1:2525')
    .action(async (flags: { data: string; db?: string; name: string; domain: string[]; cert: string; mailReceipt?: string; route?: string }, cmd: Command) => {
      let pem: string;
      try {
        pem = await readFile(flags.cert, 'utf8');
      } catch {
        throw new CliError('FILE_UNREADABLE', `cannot read the certificate ${flags.cert}`);
      }
      const der = pemToDerList(pem)[0];
      if (!der) throw new CliError('USAGE', `${flags.cert} holds no PEM certificate`);
      if (flags.route && !/^[^:\s]+:\d{1,5}$/.test(flags.route)) throw new CliError('USAGE', `--route must be host:port (got "${flags.route}")`);
      const domains = flags.domain.map((d) => d.toLowerCase());
      await withStore(flags, (store) => store.index.put({
        name: flags.name, mailReceipt: (flags.mailReceipt ?? `posta-certificata@${domains[0]}`).toLowerCase(), domains,
        certificates: [derToPem(der, 'CERTIFICATE')], route: flags.route ?? null,
      }));
      process.stdout.write(`provider ${flags.name} (${domains.join(', ')}) in the index\n`);
      cmd.setOptionValue('exit', EXIT.ok);
    });
  index.command('import')
    .description('import providers from an LDIF (RFC 6109 §5) or JSON index file')
    .argument('<file>', 'index file')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: { data: string; db?: string; json?: boolean }, cmd: Command) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        throw new CliError('FILE_UNREADABLE', `cannot read ${file}`);
      }
      let records: ProviderRecord[];
      let warnings: string[] = [];
      try {
        if (text.trimStart().startsWith('{')) records = parseIndexFile(text);
        else {
          const r = recordsFromLdif(text);
          records = r.providers;
          warnings = r.problems.map((p) => `${p.code}: ${p.message}`);
        }
      } catch (err) {
        throw new CliError((err as { code?: string }).code ?? 'INDEX_INVALID', `${file}: ${(err as Error).message}`);
      }
      await withStore(flags, async (store) => {
        for (const r of records) await store.index.put(stored(r));
      });
      if (flags.json) process.stdout.write(JSON.stringify({ imported: records.length, warnings }, null, 2) + '\n');
      else {
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`${records.length} provider record${records.length === 1 ? '' : 's'} imported\n`);
      }
      cmd.setOptionValue('exit', EXIT.ok);
    });
  index.command('list')
    .description('list the providers in the local index')
    .requiredOption('--data <dir>', 'provider data folder')
    .option('--db <url>', 'PostgreSQL URL')
    .option('--json', 'print JSON')
    .action(async (flags: { data: string; db?: string; json?: boolean }) => {
      const list = await withStore(flags, (store) => store.index.list());
      if (flags.json) process.stdout.write(JSON.stringify(list.map((p) => ({ ...p, certificates: p.certificates.length })), null, 2) + '\n');
      else for (const p of list) process.stdout.write(`${p.name}: ${p.domains.join(', ')} → ${p.mailReceipt}${p.route ? ` via ${p.route}` : ''}\n`);
    });
}
