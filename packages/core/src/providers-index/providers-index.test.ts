import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProvidersIndex, recordsFromLdif } from './index.ts';
import type { ProviderRecord } from './index.ts';
import { makeCertificate, tempDir } from './certs-fixture.test.ts';

const tmp = tempDir();
after(tmp.cleanup);
const certA1 = makeCertificate(tmp.dir, 'Esempio PEC', 'posta-certificata@pec.esempio.it');
const certA2 = makeCertificate(tmp.dir, 'Esempio PEC', 'posta-certificata@pec.esempio.it');
const certB = makeCertificate(tmp.dir, 'Beta PEC', 'posta-certificata@betapec.example');
const impostor = makeCertificate(tmp.dir, 'Esempio PEC', 'posta-certificata@pec.esempio.it');

const recordA: ProviderRecord = {
  name: 'Esempio PEC',
  certificateHashes: [certA1.opensslSha1, certA2.opensslSha1],
  certificates: [certA1.der, certA2.der],
  mailReceipt: 'posta-certificata@pec.esempio.it',
  managedDomains: ['pec.esempio.it', 'PEC.Clienti.Example', 'pec.caffè.it'],
};
const recordUnit: ProviderRecord = {
  name: 'Esempio PEC',
  unit: 'Ambiente PA',
  certificateHashes: [certA1.opensslSha1],
  certificates: [certA1.der],
  mailReceipt: 'posta-certificata@pa.esempio.it',
  managedDomains: ['pa.esempio.it'],
};
const recordB: ProviderRecord = {
  name: 'Beta PEC',
  certificateHashes: [certB.opensslSha1],
  certificates: [certB.der],
  mailReceipt: 'posta-certificata@betapec.example',
  managedDomains: ['betapec.example'],
  route: '127.0.0.1:2525',
};

/** Changes one byte of a certificate in place. */
function flip(bytes: Uint8Array): void {
  bytes[10] = (bytes[10] ?? 0) ^ 0xff;
}

describe('ProvidersIndex', () => {
  const index = new ProvidersIndex([recordA, recordUnit, recordB]);

  it('finds providers by domain, case-insensitively (RFC 6109 §2.2.1)', () => {
    assert.equal(index.problems.length, 0);
    assert.equal(index.providerForDomain('PEC.ESEMPIO.IT')?.name, 'Esempio PEC');
    assert.equal(index.providerForDomain('pec.clienti.example.')?.name, 'Esempio PEC');
    assert.equal(index.providerForDomain('pa.esempio.it')?.unit, 'Ambiente PA');
    assert.equal(index.providerForDomain('BetaPec.Example')?.route, '127.0.0.1:2525');
    assert.equal(index.providerForDomain('esempio.it'), undefined, 'no parent-domain match');
    assert.equal(index.providerForDomain('x.pec.esempio.it'), undefined, 'no subdomain match');
    assert.equal(index.providerForDomain(''), undefined);
    assert.equal(index.isCertifiedDomain('Pec.Esempio.It'), true);
    assert.equal(index.isCertifiedDomain('mail.example'), false);
  });

  it('matches IDN domains in Unicode or A-label form', () => {
    assert.deepEqual(index.providerForDomain('pec.xn--caff-8oa.it')?.name, 'Esempio PEC');
    assert.equal(index.providerForDomain('PEC.CAFFÈ.IT')?.name, 'Esempio PEC');
  });

  it('classifies addresses by their domain', () => {
    assert.equal(index.isCertifiedAddress('utente.prova@PEC.Esempio.IT'), true);
    assert.equal(index.isCertifiedAddress('<utente@betapec.example>'), true);
    assert.equal(index.isCertifiedAddress('"a@b"@betapec.example'), true);
    assert.equal(index.isCertifiedAddress('utente@mail.example'), false);
    assert.equal(index.isCertifiedAddress('pec.esempio.it'), false);
    assert.equal(index.isCertifiedAddress('@pec.esempio.it'), false);
    assert.equal(index.isCertifiedAddress('utente@'), false);
    assert.equal(index.isCertifiedAddress('utente@[192.0.2.1]'), false);
  });

  it('finds providers by certificate: hash, then bytes (RFC 6109 §2.2.2)', () => {
    assert.equal(index.providerForCertificate(certA2.der)?.name, 'Esempio PEC');
    assert.equal(index.providerForCertificate(certB.der)?.name, 'Beta PEC');
    assert.equal(index.providerForCertificate(impostor.der), undefined);
    assert.deepEqual(index.providersForCertificate(certA1.der).map((r) => r.unit ?? '(main)'), ['(main)', 'Ambiente PA']);
  });

  it('does not trust a hash whose listed certificate has other bytes', () => {
    // The record lists the hash of certA1 but holds the impostor's bytes: a lookup of certA1
    // finds the record by hash and must still refuse it on the byte comparison.
    const forged: ProviderRecord = { ...recordB, certificateHashes: [certA1.opensslSha1], certificates: [impostor.der] };
    const idx = new ProvidersIndex([forged]);
    assert.equal(idx.providerForCertificateHash(certA1.opensslSha1)?.name, 'Beta PEC');
    assert.equal(idx.providerForCertificate(certA1.der), undefined);
    assert.equal(idx.providerForCertificate(impostor.der), undefined, 'bytes alone, without a listed hash, do not match either');
    assert.deepEqual(idx.problems.map((p) => p.code), ['PROVIDERS_INDEX_HASH_MISMATCH']);
  });

  it('finds providers by hash in any case and with colons', () => {
    assert.equal(index.providerForCertificateHash(certB.opensslSha1.toLowerCase())?.name, 'Beta PEC');
    const colons = certB.opensslSha1.match(/../g)?.join(':') ?? '';
    assert.equal(index.providerForCertificateHash(colons)?.name, 'Beta PEC');
    assert.equal(index.providerForCertificateHash('not a hash'), undefined);
    assert.equal(index.providerForCertificateHash(impostor.opensslSha1), undefined);
  });

  it('is immutable: add and merge return new indexes; callers cannot alter what it trusts', () => {
    const small = new ProvidersIndex([recordA]);
    const bigger = small.add(recordB);
    assert.equal(small.size, 1);
    assert.equal(bigger.size, 2);
    assert.equal(small.isCertifiedDomain('betapec.example'), false);
    assert.equal(bigger.isCertifiedDomain('betapec.example'), true);
    assert.equal(small.merge([recordUnit, recordB]).size, 3);
    assert.equal(small.merge(new ProvidersIndex([recordB])).providerForDomain('betapec.example')?.name, 'Beta PEC');

    const input: ProviderRecord = { ...recordB, managedDomains: [...recordB.managedDomains], certificates: [Uint8Array.from(certB.der)] };
    const idx = new ProvidersIndex([input]);
    input.managedDomains.push('late.example');
    flip(input.certificates[0]!);
    assert.equal(idx.isCertifiedDomain('late.example'), false);
    const returned = idx.providerForCertificate(certB.der);
    assert.ok(returned);
    assert.ok(Object.isFrozen(returned));
    assert.throws(() => (returned.managedDomains as string[]).push('x.example'));
    flip(returned.certificates[0]!);
    assert.equal(idx.providerForCertificate(certB.der)?.name, 'Beta PEC');
  });

  it('reports a domain listed by two providers and keeps the first', () => {
    const clash: ProviderRecord = { ...recordB, managedDomains: ['betapec.example', 'PEC.esempio.it'] };
    const idx = new ProvidersIndex([recordA, clash]);
    assert.deepEqual(idx.problems.map((p) => p.code), ['PROVIDERS_INDEX_DUPLICATE_DOMAIN']);
    assert.match(idx.problems[0]!.message, /pec\.esempio\.it.*Esempio PEC.*Beta PEC/);
    assert.equal(idx.providerForDomain('pec.esempio.it')?.name, 'Esempio PEC');
    assert.deepEqual(idx.providersForDomain('pec.esempio.it').map((r) => r.name), ['Esempio PEC', 'Beta PEC']);
  });

  it('reports malformed domains and hashes of hand-built records', () => {
    const idx = new ProvidersIndex([{ ...recordB, managedDomains: ['ok.example', 'not a domain'], certificateHashes: ['zz', certB.opensslSha1] }]);
    assert.deepEqual(idx.problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE', 'PROVIDERS_INDEX_BAD_VALUE']);
    assert.deepEqual(idx.all()[0]?.managedDomains, ['ok.example']);
  });

  it('works on records read from LDIF', () => {
    const ldif = [
      'dn: providerName=Beta PEC,o=postacert',
      'objectClass: provider',
      'providerName: Beta PEC',
      `providerCertificateHash: ${certB.opensslSha1}`,
      `providerCertificate;binary:: ${Buffer.from(certB.der).toString('base64')}`,
      'mailReceipt: posta-certificata@betapec.example',
      'managedDomains: BETAPEC.example',
    ].join('\n');
    const idx = new ProvidersIndex(recordsFromLdif(ldif).providers);
    assert.equal(idx.providerForCertificate(certB.der)?.name, 'Beta PEC');
    assert.equal(idx.isCertifiedAddress('x@betapec.EXAMPLE'), true);
    assert.equal(idx.all().length, 1);
  });
});
