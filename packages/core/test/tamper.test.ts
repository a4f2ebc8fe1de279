/**
 * Tampering anywhere is detected and named: body bytes, headers inside the signed part, a
 * swapped certificate, a certificate outside the index, an expired one, From not matching the
 * signer, outer headers contradicting the signed data.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAnyKind, concatChunks, inspectMessage, loadSigner, ProvidersIndex, pemToDerList,
  providerCertificateHash, issueProviderCertificate, derToPem, type Inspection,
} from '../src/index.ts';
import { opensslVerify, sampleOriginal, testProvider, type TestProvider } from './helpers.ts';

let alfa: TestProvider;
let other: TestProvider;
let raw: Buffer;
before(async () => {
  alfa = await testProvider();
  other = await testProvider('pec.gamma.test', { name: 'Gamma PEC S.p.A.' });
  const built = await buildAnyKind({ kind: 'posta-certificata', provider: alfa.provider, sender: 'protocollo@pec.alfa.test', to: ['tributi@pec.beta.test'], original: sampleOriginal() });
  raw = concatChunks(built.chunks);
});

function codes(r: Inspection): string[] {
  return r.problems.map((p) => p.code);
}

async function inspect(bytes: Uint8Array, extra: Partial<Parameters<typeof inspectMessage>[1]> = {}): Promise<Inspection> {
  return inspectMessage(bytes, { at: alfa.clock.now(), trustAnchorsPem: [alfa.caPem], ...extra });
}

test('the untouched envelope is valid', async () => {
  const r = await inspect(raw);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
});

test('one byte of the body changed is named SIGNATURE_DIGEST_MISMATCH', async () => {
  const s = raw.toString('latin1');
  const at = s.indexOf('Si trasmette');
  const t = Buffer.from(raw);
  t[at] = 's'.charCodeAt(0);
  const r = await inspect(t);
  assert.equal(r.ok, false);
  assert.equal(r.signature.status, 'invalid');
  assert.ok(codes(r).includes('SIGNATURE_DIGEST_MISMATCH'), codes(r).join());
  assert.equal(opensslVerify(t, alfa.caPem).ok, false);
});

test('a header inside the signed part changed is detected', async () => {
  const t = Buffer.from(raw.toString('latin1').replace('name="daticert.xml"', 'name="daticert.XML"'), 'latin1');
  const r = await inspect(t);
  assert.equal(r.signature.status, 'invalid');
  assert.ok(codes(r).includes('SIGNATURE_DIGEST_MISMATCH'));
});

test('a swapped certificate (key of another provider) is SIGNATURE_INVALID', async () => {
  const forged = await loadSigner({ chainPem: alfa.pki.providerChainPem, privateKeyPem: other.pki.provider.privateKeyPem });
  const built = await buildAnyKind({ kind: 'accettazione', provider: { ...alfa.provider, signer: forged }, sender: 'a@pec.alfa.test', to: ['b@pec.beta.test'] });
  const r = await inspect(concatChunks(built.chunks));
  assert.equal(r.signature.status, 'invalid');
  assert.ok(codes(r).includes('SIGNATURE_INVALID'), codes(r).join());
});

test('a signer from another CA is untrusted', async () => {
  const built = await buildAnyKind({ kind: 'accettazione', provider: other.provider, sender: 'a@pec.gamma.test', to: ['b@pec.beta.test'] });
  const r = await inspect(concatChunks(built.chunks));
  assert.equal(r.signature.status, 'valid');
  assert.equal(r.signature.trusted, false);
  assert.equal(r.ok, false);
  assert.ok(codes(r).includes('CERT_CHAIN_UNTRUSTED'), codes(r).join());
});

test('a certificate not in the providers index is named CERT_NOT_IN_INDEX', async () => {
  const gamma = pemToDerList(other.pki.provider.certificatePem)[0]!;
  const index = new ProvidersIndex([{ name: 'Gamma PEC S.p.A.', certificateHashes: [providerCertificateHash(gamma)], certificates: [gamma], mailReceipt: 'posta-certificata@pec.gamma.test', managedDomains: ['pec.gamma.test'] }]);
  const r = await inspect(raw, { index });
  assert.equal(r.signature.trusted, false);
  assert.ok(codes(r).includes('CERT_NOT_IN_INDEX'), codes(r).join());
  const alfaCert = pemToDerList(alfa.pki.provider.certificatePem)[0]!;
  const good = new ProvidersIndex([{ name: 'Alfa PEC S.p.A.', certificateHashes: [providerCertificateHash(alfaCert)], certificates: [alfaCert], mailReceipt: 'posta-certificata@pec.alfa.test', managedDomains: ['pec.alfa.test'] }]);
  const ok = await inspect(raw, { index: good });
  assert.equal(ok.ok, true, JSON.stringify(ok.problems));
  assert.equal(ok.signature.provider, 'Alfa PEC S.p.A.');
  const indexOnly = await inspectMessage(raw, { at: alfa.clock.now(), index: good });
  assert.equal(indexOnly.ok, true, JSON.stringify(indexOnly.problems));
});

test('an expired provider certificate is named CERT_EXPIRED', async () => {
  const r = await inspect(raw, { at: new Date('2040-01-01T00:00:00Z') });
  assert.equal(r.signature.trusted, false);
  assert.ok(codes(r).includes('CERT_EXPIRED'), codes(r).join());
});

test('From not matching the signer certificate is named FROM_SIGNER_MISMATCH', async () => {
  const t = Buffer.from(raw.toString('latin1').replace(/(^From:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*)posta-certificata@pec\.alfa\.test/m, '$1posta-certificata@pec.evil.test'), 'latin1');
  assert.notEqual(t.toString('latin1'), raw.toString('latin1'));
  const r = await inspect(t);
  assert.equal(r.signature.status, 'valid');
  assert.ok(codes(r).includes('FROM_SIGNER_MISMATCH'), codes(r).join());
  assert.equal(r.ok, false);
});

test('outer headers contradicting the signed daticert are named', async () => {
  const t = Buffer.from(raw.toString('latin1').replace('X-Trasporto: posta-certificata', 'X-Ricevuta: avvenuta-consegna'), 'latin1');
  const r = await inspect(t);
  assert.ok(codes(r).includes('DATICERT_TYPE_MISMATCH'), codes(r).join());
  const m = Buffer.from(raw.toString('latin1').replace(/^Message-ID: <[^>]+>/m, 'Message-ID: <other@pec.alfa.test>'), 'latin1');
  assert.ok(codes(await inspect(m)).includes('PEC_MSGID_MISMATCH'));
});

test('a certificate outside the intermediate name constraints is refused, by us and by OpenSSL', async () => {
  const rogue = await issueProviderCertificate(alfa.pki.intermediate, { domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', email: 'posta-certificata@pec.evil.test', validFrom: new Date('2026-11-01T00:00:00Z') });
  const intermediatePem = pemToDerList(alfa.pki.providerChainPem).slice(1).map((d) => derToPem(d, 'CERTIFICATE')).join('');
  const signer = await loadSigner({ chainPem: rogue.certificatePem + intermediatePem, privateKeyPem: rogue.privateKeyPem });
  const provider = { ...alfa.provider, domain: 'pec.evil.test', serviceAddress: 'posta-certificata@pec.evil.test', signer };
  const built = await buildAnyKind({ kind: 'accettazione', provider, sender: 'a@pec.evil.test', to: ['b@pec.beta.test'] });
  const bytes = concatChunks(built.chunks);
  const r = await inspect(bytes);
  assert.equal(r.signature.status, 'valid');
  assert.equal(r.signature.trusted, false);
  assert.ok(codes(r).includes('CERT_NAME_CONSTRAINTS'), codes(r).join());
  assert.equal(opensslVerify(bytes, alfa.caPem).ok, false);
});

test('ordinary mail and hostile input are classified without crashing', async () => {
  const plain = await inspect(sampleOriginal());
  assert.equal(plain.kind, 'ordinaria');
  assert.equal(plain.signature.status, 'absent');
  assert.equal(plain.ok, false);
  const truncated = await inspect(raw.subarray(0, Math.floor(raw.length / 2)));
  assert.equal(truncated.ok, false);
  assert.ok(codes(truncated).includes('MIME_TRUNCATED'), codes(truncated).join());
  let deep = '';
  for (let i = 0; i < 10_000; i++) deep += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  const d = await inspect(Buffer.from(deep));
  assert.deepEqual(codes(d), ['MIME_TOO_DEEP']);
  const long = await inspect(Buffer.from(`X-Ricevuta: accettazione\r\nSubject: ${'x'.repeat(1 << 20)}\r\n\r\n`));
  assert.deepEqual(codes(long), ['MIME_HEADER_TOO_LONG']);
  const badSig = Buffer.from(raw.toString('latin1').replace(/(filename="smime.p7s"\r\n\r\n)[A-Za-z0-9+/]{10}/, '$1!!!!garbage'), 'latin1');
  const b = await inspect(badSig);
  assert.equal(b.ok, false);
  assert.ok(codes(b).some((c) => c === 'MIME_BAD_BASE64' || c === 'SIGNATURE_MALFORMED'), codes(b).join());
});

test('a daticert.xml with DTD tricks inside a PEC message is refused by name', async () => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE postacert [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><postacert tipo="accettazione">&b;</postacert>';
  const s = raw.toString('latin1');
  const start = s.indexOf('filename="daticert.xml"');
  const bodyStart = s.indexOf('\r\n\r\n', start) + 4;
  const bodyEnd = s.indexOf('\r\n--', bodyStart);
  const t = Buffer.from(s.slice(0, bodyStart) + Buffer.from(bomb).toString('base64') + s.slice(bodyEnd), 'latin1');
  const r = await inspect(t);
  assert.equal(r.ok, false);
  assert.ok(codes(r).includes('DATICERT_FORBIDDEN_DTD'), codes(r).join());
  assert.ok(codes(r).includes('SIGNATURE_DIGEST_MISMATCH'));
});
