/**
 * The development PKI has the shape of the real one (digest §5.2): OpenSSL reads the provider
 * certificate profile of RFC 6109 §5.5 and the intermediate's name constraints, and validates
 * the chain for S/MIME signing.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  certificateInfo, createDevPki, createIntermediateCa, createRootCa, derToPem, issueProviderCertificate,
  pemToDerList, type DevPki,
} from './index.ts';
import { RecapitoError } from '../errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'recapito-pki-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function x509Text(pem: string, name: string): string {
  const r = openssl(['x509', '-in', file(name, pem), '-noout', '-text']);
  assert.ok(r.ok, r.err);
  return r.out;
}

const now = new Date();
let pki: DevPki;
before(async () => {
  pki = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', now });
});

test('the provider certificate has the RFC 6109 §5.5 profile, as OpenSSL prints it', () => {
  const text = x509Text(pki.provider.certificatePem, 'provider.pem');
  assert.match(text, /Subject: C ?= ?IT, O ?= ?Alfa PEC S\.p\.A\., CN ?= ?Posta Certificata Alfa PEC S\.p\.A\./);
  assert.match(text, /X509v3 Subject Alternative Name: *\n\s*email:posta-certificata@pec\.alfa\.test\n/);
  assert.doesNotMatch(text, /Subject Alternative Name: critical/);
  assert.match(text, /X509v3 Key Usage: critical\n\s*Digital Signature\n/);
  assert.match(text, /X509v3 Extended Key Usage: *\n\s*E-mail Protection\n/);
  assert.match(text, /Policy: 1\.3\.76\.16\.3\.1\.1\n/);
  assert.match(text, /X509v3 Subject Key Identifier/);
  assert.match(text, /X509v3 Authority Key Identifier/);
  assert.doesNotMatch(text, /Basic Constraints/, 'RFC 6109 §5.5: basicConstraints must be absent');
  assert.match(text, /Public-Key: \(2048 bit\)/);
});

test('the intermediate is a pathlen-0 CA with critical name constraints like AgID CA1', () => {
  const text = x509Text(pki.intermediate.certificatePem, 'intermediate.pem');
  assert.match(text, /X509v3 Basic Constraints: critical\n\s*CA:TRUE, pathlen:0\n/);
  assert.match(text, /X509v3 Key Usage: critical\n\s*Certificate Sign, CRL Sign\n/);
  assert.match(text, /X509v3 Name Constraints: critical\n\s*Permitted:\n\s*email:pec\.alfa\.test\n\s*email:\.pec\.alfa\.test\n\s*DirName:C ?= ?IT, O ?= ?Alfa PEC S\.p\.A\.\n\s*Excluded:\n\s*IP:0\.0\.0\.0\/0\.0\.0\.0\n\s*IP:0:0:0:0:0:0:0:0\/0:0:0:0:0:0:0:0\n/);
  assert.match(text, /Policy: 1\.3\.76\.16\.3\.1\n/);
  assert.match(text, /X509v3 Authority Key Identifier/);
});

test('the root is a critical CA with keyCertSign and cRLSign', () => {
  const text = x509Text(pki.root.certificatePem, 'root.pem');
  assert.match(text, /X509v3 Basic Constraints: critical\n\s*CA:TRUE\n/);
  assert.match(text, /X509v3 Key Usage: critical\n\s*Certificate Sign, CRL Sign\n/);
  assert.match(text, /X509v3 Subject Key Identifier/);
});

test('OpenSSL validates leaf → intermediate → root for S/MIME signing', () => {
  const r = openssl(['verify', '-purpose', 'smimesign', '-CAfile', file('ca.pem', pki.root.certificatePem),
    '-untrusted', file('int.pem', pki.intermediate.certificatePem), file('leaf.pem', pki.provider.certificatePem)]);
  assert.ok(r.ok, r.err + r.out);
});

test('providerChainPem is the leaf then the intermediate, not the root', () => {
  const chain = pemToDerList(pki.providerChainPem);
  assert.equal(chain.length, 2);
  assert.deepEqual(chain[0], pemToDerList(pki.provider.certificatePem)[0]);
  assert.deepEqual(chain[1], pemToDerList(pki.intermediate.certificatePem)[0]);
  assert.match(pki.provider.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
});

test('certificateInfo agrees with OpenSSL on e-mail, SHA-1 fingerprint, serial and dates', () => {
  const der = pemToDerList(pki.provider.certificatePem)[0]!;
  const info = certificateInfo(der);
  const p = file('info.pem', pki.provider.certificatePem);
  const fp = openssl(['x509', '-in', p, '-noout', '-fingerprint', '-sha1', '-serial']).out;
  assert.equal(info.sha1, /Fingerprint=([0-9A-F:]+)/.exec(fp)![1]!.replace(/:/g, ''));
  assert.equal(info.serial, /serial=([0-9A-F]+)/.exec(fp)![1]);
  assert.equal(info.email, 'posta-certificata@pec.alfa.test');
  assert.equal(info.subject, 'C=IT, O=Alfa PEC S.p.A., CN=Posta Certificata Alfa PEC S.p.A.');
  assert.match(info.issuer, /CN=Recapito CA1 pec\.alfa\.test/);
  // Backdated one hour for peers with lagging clocks; three years of validity.
  assert.equal(info.notBefore.getTime(), Math.floor(now.getTime() / 1000) * 1000 - 3_600_000);
  assert.equal(info.notAfter.getTime() - info.notBefore.getTime(), 1095 * 86_400_000);
});

test('createDevPki with a CA reuses the root and issues a fresh intermediate for the new domain', async () => {
  const beta = await createDevPki({ domain: 'PEC.Beta.test', providerName: 'Beta PEC', ca: pki.root, now });
  assert.equal(beta.root, pki.root);
  assert.notEqual(beta.intermediate.certificatePem, pki.intermediate.certificatePem);
  assert.equal(certificateInfo(pemToDerList(beta.provider.certificatePem)[0]!).email, 'posta-certificata@pec.beta.test');
  const text = x509Text(beta.intermediate.certificatePem, 'beta-int.pem');
  assert.match(text, /email:pec\.beta\.test\n/);
  assert.doesNotMatch(text, /pec\.alfa\.test/);
});

test('issueProviderCertificate can renew with the same key and custom e-mail and validity', async () => {
  const from = new Date('2026-01-01T00:00:00Z');
  const renewed = await issueProviderCertificate(pki.intermediate, {
    domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', email: 'ricevute@pec.alfa.test',
    keyPem: pki.provider.privateKeyPem, validFrom: from, validDays: 10,
  });
  const a = new x509.X509Certificate(pemToDerList(renewed.certificatePem)[0]!);
  const b = new x509.X509Certificate(pemToDerList(pki.provider.certificatePem)[0]!);
  assert.deepEqual(new Uint8Array(a.publicKey.rawData), new Uint8Array(b.publicKey.rawData));
  assert.equal(renewed.privateKeyPem, pki.provider.privateKeyPem);
  assert.equal(a.notBefore.toISOString(), from.toISOString());
  assert.equal(a.notAfter.toISOString(), '2026-01-11T00:00:00.000Z');
  assert.equal(certificateInfo(new Uint8Array(a.rawData)).email, 'ricevute@pec.alfa.test');
});

test('bad options and foreign keys are refused with coded errors', async () => {
  const code = (c: string) => (err: unknown) => err instanceof RecapitoError && err.code === c;
  await assert.rejects(createIntermediateCa(pki.root, { commonName: 'x', organization: 'y', permittedEmailDomains: [] }), code('PKI_BAD_OPTIONS'));
  await assert.rejects(createIntermediateCa(pki.root, { commonName: 'x', organization: 'y', permittedEmailDomains: ['not a domain'] }), code('PKI_BAD_OPTIONS'));
  await assert.rejects(createRootCa({ validDays: -1 }), code('PKI_BAD_OPTIONS'));
  const wrongKey = { certificatePem: pki.intermediate.certificatePem, privateKeyPem: pki.root.privateKeyPem };
  await assert.rejects(issueProviderCertificate(wrongKey, { domain: 'pec.alfa.test', providerName: 'A' }), code('PKI_KEY_MALFORMED'));
  await assert.rejects(issueProviderCertificate(pki.intermediate, { domain: 'pec.alfa.test', providerName: 'A', keyPem: 'nope' }), code('PKI_KEY_MALFORMED'));
});

test('PEM helpers round-trip, filter by label and refuse damaged blocks', () => {
  const der = new Uint8Array(Array.from({ length: 200 }, (_, i) => i));
  const pem = derToPem(der, 'CERTIFICATE');
  assert.ok(pem.split('\n').every((l) => l.length <= 64));
  assert.deepEqual(pemToDerList(pem), [der]);
  const mixed = `subject=whatever\n${pem}${derToPem(new Uint8Array([1, 2, 3]), 'PRIVATE KEY')}`;
  assert.equal(pemToDerList(mixed).length, 2);
  assert.deepEqual(pemToDerList(mixed, 'PRIVATE KEY'), [new Uint8Array([1, 2, 3])]);
  const isPem = (err: unknown) => err instanceof RecapitoError && err.code === 'PKI_PEM_MALFORMED';
  assert.throws(() => pemToDerList('no pem here'), isPem);
  assert.throws(() => pemToDerList(pem.replace(/^(-----BEGIN CERTIFICATE-----\n)(.)/, '$1!')), isPem);
  assert.throws(() => pemToDerList(pem.replace('END CERTIFICATE', 'END X509 CRL')), isPem);
  assert.throws(() => pemToDerList(mixed, 'CERTIFICATE REQUEST'), isPem);
  assert.throws(() => certificateInfo(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), (e: unknown) => e instanceof RecapitoError && e.code === 'PKI_CERT_MALFORMED');
});
