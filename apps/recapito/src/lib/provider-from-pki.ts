/**
 * Loads a provider identity from a folder written by `recapito pki init` (provider.pem with the
 * leaf and its chain, provider.key), so that any command can sign as that provider.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateInfo, loadSigner, pemToDerList, type Clock, type DigestName, type ProviderIdentity } from '@recapito/core';
import { CliError, EXIT } from './cli-error.ts';

export interface PkiFolder {
  readonly chainPem: string;
  readonly keyPem: string;
  readonly caPem?: string;
}

export async function readPkiFolder(dir: string): Promise<PkiFolder> {
  const read = async (name: string, required: boolean): Promise<string | undefined> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (err) {
      if (!required) return undefined;
      throw new CliError('PKI_MISSING', `cannot read ${name} in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'}); create it with: recapito pki init --dir ${dir} --domain <domain>`, EXIT.usage);
    }
  };
  const chainPem = (await read('provider.pem', true))!;
  const keyPem = (await read('provider.key', true))!;
  const caPem = await read('ca.pem', false);
  return { chainPem, keyPem, ...(caPem ? { caPem } : {}) };
}

export async function providerFromPki(dir: string, opts: { digest: DigestName; clock: Clock; name?: string; timeZone?: string }): Promise<ProviderIdentity> {
  const pki = await readPkiFolder(dir);
  const leaf = pemToDerList(pki.chainPem)[0];
  if (!leaf) throw new CliError('PKI_INVALID', `${dir}/provider.pem holds no certificate`);
  const info = certificateInfo(leaf);
  if (!info.email) throw new CliError('PKI_INVALID', `the provider certificate in ${dir} has no e-mail address (subjectAltName rfc822Name)`);
  const domain = info.email.split('@')[1]!;
  const org = /(?:^|,\s*)O=([^,]+)/.exec(info.subject)?.[1];
  return {
    name: opts.name ?? org ?? domain,
    domain,
    serviceAddress: info.email,
    signer: await loadSigner({ chainPem: pki.chainPem, privateKeyPem: pki.keyPem }),
    digest: opts.digest,
    timeZone: opts.timeZone ?? 'Europe/Rome',
    clock: opts.clock,
  };
}
