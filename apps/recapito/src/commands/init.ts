/**
 * `recapito init --data DIR --domain D [--pki DIR] [--ca CA_DIR]`: creates a provider: config,
 * store, key material (a dev PKI unless `--pki` gives it), TLS certificate for the listeners,
 * the domain, the service mailbox, and our own record in the local providers' index.
 */
import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createRootCa, issueServerCertificate, pemToDerList, derToPem, type Issued } from '@recapito/core';
import { DEFAULT_LIMITS, DEFAULT_QUOTA, hashPassword } from '@recapito/provider';
import { openStore } from '@recapito/store';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { CONFIG_FILE, defaultConfig, writeConfig } from '../lib/config.ts';
import { systemClock } from '../lib/system-clock.ts';
import { writeDevPki } from './pki-init.ts';

interface InitFlags { data: string; domain: string; pki?: string; ca?: string; name?: string; hostname?: string; db?: string; json?: boolean }

export function registerInit(root: Command): void {
  root.command('init')
    .description('create a PEC provider in a data folder (config, store, keys, domain, service mailbox)')
    .requiredOption('--data <dir>', 'data folder to create')
    .requiredOption('--domain <domain>', 'certified mail domain, e.g. pec.example.it')
    .option('--pki <dir>', 'signing key material from `recapito pki init` (default: a new dev PKI)')
    .option('--ca <dir>', 'CA folder (ca.pem, ca.key) to issue the dev certificates from')
    .option('--name <name>', 'provider name (daticert gestore-emittente)')
    .option('--hostname <host>', 'host name of the listeners (EHLO, TLS)', 'localhost')
    .option('--db <url>', 'PostgreSQL URL instead of the embedded SQLite store')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Examples:
  recapito init --data ./data --domain pec.example.it
  recapito init --data ./beta --domain pec.beta.test --ca ./shared-ca --db postgres://127.0.0.1/pec`)
    .action(async (flags: InitFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runInit(flags));
    });
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

async function readCa(dir: string): Promise<Issued> {
  try {
    return { certificatePem: await readFile(join(dir, 'ca.pem'), 'utf8'), privateKeyPem: await readFile(join(dir, 'ca.key'), 'utf8') };
  } catch {
    throw new CliError('PKI_MISSING', `--ca ${dir}: needs ca.pem and ca.key`);
  }
}

async function runInit(flags: InitFlags): Promise<number> {
  const result = await createProviderData(flags);
  if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`provider ${result.name} for ${result.domain} created in ${flags.data}\nnext: recapito mailbox add utente@${result.domain} --data ${flags.data} --password-file FILE\n      recapito serve --data ${flags.data}\n`);
  return EXIT.ok;
}

/** Creates a provider data folder (what `recapito init` does, without printing). */
export async function createProviderData(flags: Omit<InitFlags, 'json'>): Promise<{ data: string; domain: string; name: string; serviceMailbox: string; store: string }> {
  const domain = flags.domain.toLowerCase();
  if (await exists(join(flags.data, CONFIG_FILE))) throw new CliError('DATA_EXISTS', `${flags.data} already holds a provider (${CONFIG_FILE})`);
  const name = flags.name ?? `Gestore PEC ${domain}`;
  const pkiDir = join(flags.data, 'pki');
  await mkdir(join(flags.data, 'tls'), { recursive: true });
  const ca = flags.ca ? await readCa(flags.ca) : undefined;
  if (flags.pki) {
    await mkdir(pkiDir, { recursive: true });
    for (const f of ['provider.pem', 'provider.key', 'ca.pem']) {
      if (await exists(join(flags.pki, f))) await copyFile(join(flags.pki, f), join(pkiDir, f));
      else if (f !== 'ca.pem') throw new CliError('PKI_MISSING', `--pki ${flags.pki}: ${f} is missing`);
    }
  } else {
    await writeDevPki(pkiDir, domain, name, ca);
  }
  // TLS for the listeners: issued by the given CA, the PKI's own CA, or a local one.
  const tlsIssuer = ca ?? (await exists(join(pkiDir, 'ca.key')) ? await readCa(pkiDir) : await createRootCa({ commonName: `${domain} TLS CA`, validFrom: systemClock.now() }));
  if (!ca && !(await exists(join(pkiDir, 'ca.key')))) await writeFile(join(flags.data, 'tls', 'ca.pem'), tlsIssuer.certificatePem);
  const hostname = flags.hostname ?? 'localhost';
  const tls = await issueServerCertificate(tlsIssuer, { hostnames: [hostname], ips: ['127.0.0.1'], validFrom: new Date(systemClock.now().getTime() - 3600_000) });
  await writeFile(join(flags.data, 'tls', 'cert.pem'), tls.certificatePem);
  await writeFile(join(flags.data, 'tls', 'key.pem'), tls.privateKeyPem, { mode: 0o600 });

  const config = { ...defaultConfig(domain, name), hostname, ...(flags.db ? { db: flags.db } : {}) };
  await writeConfig(flags.data, config);
  const store = await openStore({ dataDir: flags.data, ...(flags.db ? { url: flags.db } : {}) });
  try {
    await store.accounts.addDomain(domain);
    const service = `posta-certificata@${domain}`;
    // The service mailbox receives take-in-charge and virus notices; nobody logs into it.
    await store.accounts.addMailbox({ address: service, type: 'service', passwordHash: await hashPassword(randomBytes(32).toString('base64')), quotaBytes: DEFAULT_QUOTA.service, limits: DEFAULT_LIMITS.service });
    const leaf = pemToDerList(await readFile(join(pkiDir, 'provider.pem'), 'utf8'))[0]!;
    await store.index.put({ name, mailReceipt: service, domains: [domain], certificates: [derToPem(leaf, 'CERTIFICATE')], route: null });
  } finally {
    await store.close();
  }
  return { data: flags.data, domain, name, serviceMailbox: `posta-certificata@${domain}`, store: flags.db ? 'postgres' : 'sqlite' };
}
