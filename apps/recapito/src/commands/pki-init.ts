/**
 * `recapito pki init --dir DIR --domain DOMAIN [--ca CA_DIR]`: a development PKI shaped like
 * the real one (root → name-constrained intermediate → provider certificate with
 * posta-certificata@DOMAIN), so that private deployments and tests can sign.
 */
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { certificateInfo, createDevPki, pemToDerList, type DevPki } from '@recapito/core';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { systemClock } from '../lib/system-clock.ts';

interface PkiFlags { dir: string; domain: string; ca?: string; name?: string; force?: boolean; json?: boolean }

export function registerPkiInit(pki: Command): void {
  pki.command('init')
    .description('create a test CA (unless --ca is given) and a provider signing certificate')
    .requiredOption('--dir <dir>', 'folder to write ca.pem, provider.pem, provider.key')
    .requiredOption('--domain <domain>', 'provider mail domain; the certificate e-mail is posta-certificata@DOMAIN')
    .option('--ca <ca-dir>', 'reuse the CA in this folder (ca.pem, ca.key) instead of creating one')
    .option('--name <provider-name>', 'provider name (certificate O, daticert gestore-emittente)')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', `
Examples:
  recapito pki init --dir pki/alfa --domain pec.alfa.test
  recapito pki init --dir pki/beta --domain pec.beta.test --ca pki/alfa`)
    .action(async (flags: PkiFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runPkiInit(flags));
    });
}

/** Creates the dev PKI and writes it to `dir` (private keys readable by the owner only). */
export async function writeDevPki(dir: string, domain: string, providerName: string, ca?: { certificatePem: string; privateKeyPem: string }): Promise<DevPki> {
  const pki = await createDevPki({ domain, providerName, now: systemClock.now(), ...(ca ? { ca } : {}) });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ca.pem'), pki.root.certificatePem);
  if (!ca) await writeFile(join(dir, 'ca.key'), pki.root.privateKeyPem, { mode: 0o600 });
  await writeFile(join(dir, 'provider.pem'), pki.providerChainPem);
  await writeFile(join(dir, 'provider.key'), pki.provider.privateKeyPem, { mode: 0o600 });
  return pki;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

async function runPkiInit(flags: PkiFlags): Promise<number> {
  const domain = flags.domain.toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
    throw new CliError('USAGE', `--domain: "${flags.domain}" is not a domain name (e.g. pec.example.it)`);
  }
  const providerFile = join(flags.dir, 'provider.pem');
  if (!flags.force && (await exists(providerFile))) {
    throw new CliError('PKI_EXISTS', `${providerFile} already exists; use --force to replace it`);
  }
  let ca: { certificatePem: string; privateKeyPem: string } | undefined;
  if (flags.ca) {
    try {
      ca = {
        certificatePem: await readFile(join(flags.ca, 'ca.pem'), 'utf8'),
        privateKeyPem: await readFile(join(flags.ca, 'ca.key'), 'utf8'),
      };
    } catch {
      throw new CliError('PKI_MISSING', `--ca ${flags.ca}: needs ca.pem and ca.key (written by a previous pki init)`);
    }
  }
  const providerName = flags.name ?? `Gestore PEC ${domain}`;
  const pki = await writeDevPki(flags.dir, domain, providerName, ca);
  const info = certificateInfo(pemToDerList(pki.provider.certificatePem)[0]!);
  const report = { dir: flags.dir, domain, provider: providerName, email: info.email, sha1: info.sha1, notAfter: info.notAfter.toISOString(), caReused: Boolean(ca) };
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    process.stdout.write(`provider certificate for ${info.email} (SHA-1 ${info.sha1}), valid until ${report.notAfter}\n`);
    process.stdout.write(`wrote ${flags.dir}/{ca.pem,${ca ? '' : 'ca.key,'}provider.pem,provider.key}\n`);
  }
  return EXIT.ok;
}
