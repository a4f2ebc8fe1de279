/** Test helpers: a provider with a dev PKI, external tools, sample originals. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock, createDevPki, loadSigner, type DigestName, type ProviderIdentity } from '../src/index.ts';

export const DTD = fileURLToPath(new URL('../dtd/daticert.dtd', import.meta.url));

export interface TestProvider {
  readonly provider: ProviderIdentity;
  readonly caPem: string;
  readonly clock: ManualClock;
  readonly pki: Awaited<ReturnType<typeof createDevPki>>;
}

export async function testProvider(domain = 'pec.alfa.test', opts: { digest?: DigestName; ca?: { certificatePem: string; privateKeyPem: string }; name?: string } = {}): Promise<TestProvider> {
  const clock = new ManualClock('2026-11-23T09:30:00Z');
  const pki = await createDevPki({ domain, providerName: opts.name ?? 'Alfa PEC S.p.A.', now: new Date('2026-11-01T00:00:00Z'), ...(opts.ca ? { ca: opts.ca } : {}) });
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  return {
    provider: { name: opts.name ?? 'Alfa PEC S.p.A.', domain, serviceAddress: `posta-certificata@${domain}`, signer, digest: opts.digest ?? 'sha256', timeZone: 'Europe/Rome', clock },
    caPem: pki.root.certificatePem,
    clock,
    pki,
  };
}

/** Temporary folders to remove at the end of the test process (one exit listener for all). */
const tempDirs: string[] = [];
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary folder removed at the end of the test process. */
export function tempDir(prefix = 'recapito-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Verifies an S/MIME message with OpenSSL for real; returns its status and stderr. */
export function opensslVerify(message: Uint8Array, caPem: string): { ok: boolean; stderr: string } {
  const dir = tempDir();
  const msg = join(dir, 'm.eml');
  const ca = join(dir, 'ca.pem');
  writeFileSync(msg, message);
  writeFileSync(ca, caPem);
  const r = spawnSync('openssl', ['smime', '-verify', '-in', msg, '-CAfile', ca, '-out', '/dev/null'], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/** Validates a daticert.xml against the DTD with xmllint. */
export function xmllintValid(xml: Uint8Array | string): { ok: boolean; stderr: string } {
  const dir = tempDir();
  const file = join(dir, 'daticert.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--dtdvalid', DTD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** An original with a non-ASCII subject, an HTML alternative and a binary attachment. */
export function sampleOriginal(opts: { from?: string; to?: string[]; cc?: string[]; attachmentBytes?: number; subject?: string; messageId?: string | null } = {}): Buffer {
  const from = opts.from ?? 'protocollo@pec.alfa.test';
  const to = opts.to ?? ['tributi@pec.beta.test'];
  const attachment = Buffer.alloc(opts.attachmentBytes ?? 3000);
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 31 + 7) % 256;
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const lines = [
    `From: =?UTF-8?Q?Comune_di_Citt=C3=A0_Alta?= <${from}>`,
    'Reply-To: =?ISO-8859-1?Q?Uff=E9cio_Protocollo?= <protocollo@pec.alfa.test>',
    `To: ${to.join(', ')}`,
    ...(opts.cc?.length ? [`Cc: ${opts.cc.join(', ')}`] : []),
    `Subject: =?UTF-8?Q?${Buffer.from(opts.subject ?? 'Determina n. 42 – Città €').toString('hex').replace(/../g, '=$&')}?=`,
    'Date: Mon, 23 Nov 2026 10:30:00 +0100',
    ...(opts.messageId === null ? [] : [`Message-ID: ${opts.messageId ?? '<client.123.abc@mua.alfa.test>'}`]),
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Si trasmette la determina in allegato. Città, perché, €.',
    '--b1',
    'Content-Type: application/pdf; name="determina-42.pdf"',
    'Content-Disposition: attachment; filename="determina-42.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--b1--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
