/**
 * Test fixture, not a test: real provider-like certificates made with the OpenSSL command line,
 * so that hashes are checked against an independent implementation. It is named *.test.ts
 * because only test files may start processes; it declares no tests itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A generated certificate. */
export interface TestCertificate {
  der: Uint8Array;
  pem: string;
  /** SHA-1 fingerprint as printed by `openssl x509 -fingerprint -sha1`, colons removed. */
  opensslSha1: string;
}

let counter = 0;

/** A temporary directory and a function removing it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'recapito-index-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Makes a self-signed RSA 2048 certificate with the PEC profile's subject and SAN. */
export function makeCertificate(dir: string, org: string, email: string): TestCertificate {
  const n = ++counter;
  const key = join(dir, `key${n}.pem`);
  const pemPath = join(dir, `cert${n}.pem`);
  const derPath = join(dir, `cert${n}.der`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', pemPath, '-days', '365',
    '-subj', `/C=IT/O=${org}/CN=Posta Certificata ${org}`,
    '-addext', `subjectAltName=email:${email}`,
    '-addext', 'keyUsage=critical,digitalSignature',
  ], { stdio: 'pipe' });
  execFileSync('openssl', ['x509', '-in', pemPath, '-outform', 'DER', '-out', derPath], { stdio: 'pipe' });
  const printed = execFileSync('openssl', ['x509', '-in', pemPath, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  const m = /Fingerprint=([0-9A-Fa-f:]+)/.exec(printed);
  if (!m?.[1]) throw new Error(`unexpected openssl output: ${printed}`);
  return {
    der: new Uint8Array(readFileSync(derPath)),
    pem: readFileSync(pemPath, 'utf8'),
    opensslSha1: m[1].replaceAll(':', '').toUpperCase(),
  };
}

/** Base64 of bytes folded the way LDIF writers do (first line after the attribute). */
export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
