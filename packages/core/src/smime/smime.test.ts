/**
 * Detached CMS signing and verification over chunks, checked against OpenSSL in both
 * directions, and every tampering named by its own code.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateInfo, createDevPki, createIntermediateCa, issueProviderCertificate, pemToDerList, type DevPki, type Issued } from '../pki/index.ts';
import { loadSigner, micalgFor, signDetached, verifyDetached, type DigestName, type Signer, type SignatureVerdict } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'recapito-smime-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
function file(bytes: Uint8Array | string): string {
  const p = join(dir, `f${seq++}`);
  writeFileSync(p, bytes);
  return p;
}
function openssl(args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}
function opensslVerify(content: Uint8Array, sig: Uint8Array, caPem: string): { ok: boolean; out: string; err: string } {
  return openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file(sig), '-content', file(content),
    '-CAfile', file(caPem), '-purpose', 'smimesign', '-out', '/dev/null']);
}
const codes = (v: SignatureVerdict): string[] => v.problems.map((p) => p.code);

const now = new Date();
const validFrom = new Date(now.getTime() - 3_600_000);
const chunks = [Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n'), Buffer.from('--b\r\nciao Città €\r\n'), Buffer.from('--b--\r\n')];
const whole = Buffer.concat(chunks);
let alfa: DevPki;
let signer: Signer;
let anchors: string[];
async function signerFor(provider: Issued, intermediate: Issued): Promise<Signer> {
  return loadSigner({ chainPem: provider.certificatePem + intermediate.certificatePem, privateKeyPem: provider.privateKeyPem });
}
before(async () => {
  alfa = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', now });
  signer = await loadSigner({ chainPem: alfa.providerChainPem, privateKeyPem: alfa.provider.privateKeyPem });
  anchors = [alfa.root.certificatePem];
});

for (const digest of ['sha256', 'sha1'] as DigestName[]) {
  test(`${digest}: chunks signed are valid and trusted for us and for OpenSSL`, async () => {
    const sig = await signDetached(chunks, signer, { digest, signingTime: now });
    const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'valid');
    assert.equal(v.trusted, true);
    assert.equal(v.digest, digest);
    assert.equal(v.signingTime?.getTime(), Math.floor(now.getTime() / 1000) * 1000);
    const leaf = pemToDerList(alfa.provider.certificatePem)[0]!;
    assert.deepEqual(v.signer?.der, leaf);
    assert.equal(v.signer?.sha1, certificateInfo(leaf).sha1);
    assert.equal(v.signer?.email, 'posta-certificata@pec.alfa.test');
    assert.equal(v.signer?.subject, 'C=IT, O=Alfa PEC S.p.A., CN=Posta Certificata Alfa PEC S.p.A.');
    // The same bytes as one chunk or split elsewhere are the same content.
    assert.equal((await verifyDetached([whole], sig, { trustAnchorsPem: anchors, at: now })).status, 'valid');
    assert.equal((await verifyDetached([whole.subarray(0, 7), whole.subarray(7)], sig, { at: now })).status, 'valid');

    const r = opensslVerify(whole, sig, alfa.root.certificatePem);
    assert.ok(r.ok, r.err);
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file(sig)]).out;
    for (const attr of ['contentType', 'signingTime', 'messageDigest', 'S/MIME Capabilities']) assert.ok(printed.includes(`object: ${attr}`), attr);
    assert.match(printed, /eContent: <ABSENT>/);
    assert.match(printed, new RegExp(`digestAlgorithm: \\n\\s*algorithm: ${digest === 'sha1' ? 'sha1' : 'sha256'} `));
    assert.match(printed, /signatureAlgorithm: \n\s*algorithm: rsaEncryption/);
    assert.equal(printed.match(/d\.certificate:/g)?.length, 2);
    assert.match(printed, /subject: C=IT, O=Alfa PEC S\.p\.A\., CN=Posta Certificata Alfa PEC S\.p\.A\./);
    assert.match(printed, /subject: C=IT, O=Recapito development PKI, CN=Recapito CA1 pec\.alfa\.test/);
    assert.doesNotMatch(printed, /subject: [^\n]*CN=Recapito Development Root CA/, 'the root is not sent');
    // The certificates travel byte for byte.
    const certsOut = join(dir, `certs-${digest}.pem`);
    assert.ok(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file(sig), '-content', file(whole), '-noverify', '-certsout', certsOut, '-out', '/dev/null']).ok);
    assert.deepEqual(pemToDerList(readFileSync(certsOut, 'utf8')), pemToDerList(alfa.providerChainPem));
  });
}

test('micalg names follow RFC 5751 §3.4.3.2', () => {
  assert.equal(micalgFor('sha1'), 'sha1');
  assert.equal(micalgFor('sha256'), 'sha-256');
});

test('signatures made by OpenSSL verify: SHA-1, keyid signer, streamed BER, no attributes', async () => {
  const content = file(whole);
  const leaf = file(alfa.provider.certificatePem);
  const key = file(alfa.provider.privateKeyPem);
  const inter = file(alfa.intermediate.certificatePem);
  const variants: string[][] = [['-md', 'sha1'], ['-md', 'sha256', '-keyid'], ['-md', 'sha1', '-stream', '-nosmimecap'], ['-md', 'sha256', '-noattr']];
  for (const extra of variants) {
    const out = join(dir, `ossl-${seq++}.der`);
    const r = openssl(['cms', '-sign', '-binary', '-in', content, '-signer', leaf, '-inkey', key, '-certfile', inter, '-outform', 'DER', '-out', out, ...extra]);
    assert.ok(r.ok, r.err);
    const v = await verifyDetached(chunks, new Uint8Array(readFileSync(out)), { trustAnchorsPem: anchors, at: now });
    assert.deepEqual(v.problems, [], extra.join(' '));
    assert.equal(v.status, 'valid');
    assert.equal(v.trusted, true);
    const tampered = await verifyDetached([Buffer.from(whole.toString('latin1').replace('ciao', 'Ciao'), 'latin1')], new Uint8Array(readFileSync(out)), { at: now });
    assert.equal(tampered.status, 'invalid', extra.join(' '));
  }
});

test('one byte of content changed is SIGNATURE_DIGEST_MISMATCH', async () => {
  const sig = await signDetached(chunks, signer, { digest: 'sha256', signingTime: now });
  const changed = [chunks[0]!, Buffer.from(chunks[1]!.toString('latin1').replace('ciao', 'ciaO'), 'latin1'), chunks[2]!];
  const v = await verifyDetached(changed, sig, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'invalid');
  assert.deepEqual(codes(v), ['SIGNATURE_DIGEST_MISMATCH']);
  assert.equal(v.trusted, true, 'trust is judged separately from integrity');
  assert.equal(opensslVerify(Buffer.concat(changed), sig, alfa.root.certificatePem).ok, false);
});

/** Decodes a signature, lets `edit` change it, and re-encodes it. */
function rewrite(sig: Uint8Array, edit: (sd: pkijs.SignedData) => void): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(sig);
  const sd = new pkijs.SignedData({ schema: ci.content });
  edit(sd);
  return new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema() }).toSchema().toBER());
}

test('signed attributes tampered (signingTime moved) is SIGNATURE_INVALID', async () => {
  const sig = await signDetached(chunks, signer, { digest: 'sha256', signingTime: now });
  const same = rewrite(sig, () => undefined);
  assert.equal((await verifyDetached(chunks, same, { at: now })).status, 'valid', 're-encoding alone changes nothing');
  const moved = rewrite(sig, (sd) => {
    const st = sd.signerInfos[0]!.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.5')!;
    st.values = [new asn1js.UTCTime({ valueDate: new Date('2020-01-01T00:00:00Z') })];
  });
  const v = await verifyDetached(chunks, moved, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'invalid');
  assert.deepEqual(codes(v), ['SIGNATURE_INVALID']);
  assert.equal(v.signingTime?.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(opensslVerify(whole, moved, alfa.root.certificatePem).ok, false);
});

test("a certificate swapped for another provider's (same subject, other key) is invalid", async () => {
  const twin = await issueProviderCertificate(alfa.intermediate, { domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', validFrom });
  const twinCert = pkijs.Certificate.fromBER(pemToDerList(twin.certificatePem)[0]!);
  assert.equal(certificateInfo(pemToDerList(twin.certificatePem)[0]!).subject, certificateInfo(pemToDerList(alfa.provider.certificatePem)[0]!).subject);
  const sig = await signDetached(chunks, signer, { digest: 'sha256', signingTime: now });
  // The swapped certificate named as the signer: the key does not match the signature.
  const swapped = rewrite(sig, (sd) => {
    sd.certificates![0] = twinCert;
    sd.signerInfos[0]!.sid = new pkijs.IssuerAndSerialNumber({ issuer: twinCert.issuer, serialNumber: twinCert.serialNumber });
  });
  const v = await verifyDetached(chunks, swapped, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'invalid');
  assert.deepEqual(codes(v), ['SIGNATURE_INVALID']);
  assert.equal(v.trusted, true, 'the twin certificate itself is genuine');
  // Only the certificate swapped: the signer named by the SignerInfo is no longer there.
  const missing = rewrite(sig, (sd) => { sd.certificates![0] = twinCert; });
  const m = await verifyDetached(chunks, missing, { trustAnchorsPem: anchors, at: now });
  assert.equal(m.status, 'invalid');
  assert.deepEqual(codes(m), ['SIGNER_CERT_MISSING']);
  // A signer loaded with the twin's key and our chain (a forged certificate claim).
  const forged = await loadSigner({ chainPem: alfa.providerChainPem, privateKeyPem: twin.privateKeyPem });
  const f = await verifyDetached(chunks, await signDetached(chunks, forged, { digest: 'sha1', signingTime: now }), { at: now });
  assert.deepEqual(codes(f), ['SIGNATURE_INVALID']);
});

test('a provider of another CA is untrusted while its signature is intact', async () => {
  const gamma = await createDevPki({ domain: 'pec.gamma.test', providerName: 'Gamma PEC', now });
  const sig = await signDetached(chunks, await signerFor(gamma.provider, gamma.intermediate), { digest: 'sha256', signingTime: now });
  const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, false);
  assert.deepEqual(codes(v), ['CERT_CHAIN_UNTRUSTED']);
  // Anchors may mix PEM texts and DER certificates.
  const both = await verifyDetached(chunks, sig, { trustAnchorsPem: [alfa.root.certificatePem, pemToDerList(gamma.root.certificatePem)[0]!], at: now });
  assert.equal(both.status, 'valid');
  assert.equal(both.trusted, true);
  assert.equal(opensslVerify(whole, sig, alfa.root.certificatePem).ok, false);
});

test('anchors may be DER; without anchors trust is false and no trust problem is reported', async () => {
  const sig = await signDetached(chunks, signer, { digest: 'sha256', signingTime: now });
  const der = await verifyDetached(chunks, sig, { trustAnchorsPem: [pemToDerList(alfa.root.certificatePem)[0]!], at: now });
  assert.equal(der.trusted, true);
  const none = await verifyDetached(chunks, sig, { at: now });
  assert.equal(none.status, 'valid');
  assert.equal(none.trusted, false);
  assert.deepEqual(none.problems, []);
  const bad = await verifyDetached(chunks, sig, { trustAnchorsPem: ['not a certificate'], at: now });
  assert.equal(bad.trusted, false);
  assert.ok(codes(bad).every((c) => c === 'CERT_CHAIN_UNTRUSTED'));
  assert.match(bad.problems[0]!.message, /trust anchor #1 cannot be read/);
});

test('an expired leaf is CERT_EXPIRED with the signature still valid; early use is CERT_NOT_YET_VALID', async () => {
  const old = await issueProviderCertificate(alfa.intermediate, {
    domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', validFrom: new Date(now.getTime() - 4 * 365 * 86_400_000), validDays: 365,
  });
  const sig = await signDetached(chunks, await signerFor(old, alfa.intermediate), { digest: 'sha256', signingTime: now });
  const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, false);
  assert.deepEqual(codes(v), ['CERT_EXPIRED']);
  assert.match(v.problems[0]!.message, /signer certificate/);
  const early = await verifyDetached(chunks, await signDetached(chunks, signer, { digest: 'sha256', signingTime: now }), {
    trustAnchorsPem: anchors, at: new Date(now.getTime() - 2 * 3_600_000),
  });
  assert.equal(early.status, 'valid');
  assert.equal(early.trusted, false);
  assert.ok(codes(early).includes('CERT_NOT_YET_VALID'));
  assert.ok(codes(early).every((c) => c === 'CERT_NOT_YET_VALID'));
});

test('an e-mail outside the intermediate name constraints is CERT_NAME_CONSTRAINTS, for OpenSSL too', async () => {
  const inter = await createIntermediateCa(alfa.root, { commonName: 'Test CA1', organization: 'Test', permittedEmailDomains: ['pec.alfa.test'], validFrom });
  const evil = await issueProviderCertificate(inter, { domain: 'pec.evil.test', providerName: 'Alfa PEC S.p.A.', validFrom });
  const sig = await signDetached(chunks, await signerFor(evil, inter), { digest: 'sha256', signingTime: now });
  const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, false);
  assert.deepEqual(codes(v), ['CERT_NAME_CONSTRAINTS']);
  assert.match(v.problems[0]!.message, /posta-certificata@pec\.evil\.test/);
  const r = opensslVerify(whole, sig, alfa.root.certificatePem);
  assert.equal(r.ok, false);
  assert.match(r.err, /permitted subtree violation/);

  // Lookalike domains are outside; hosts below the domain are inside (the ".domain" form).
  for (const [email, inside] of [['a@evilpec.alfa.test', false], ['a@mail.pec.alfa.test', true], ['a@PEC.ALFA.TEST', true]] as const) {
    const cert = await issueProviderCertificate(inter, { domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', email, validFrom });
    const s = await signDetached(chunks, await signerFor(cert, inter), { digest: 'sha1', signingTime: now });
    const verdict = await verifyDetached(chunks, s, { trustAnchorsPem: anchors, at: now });
    assert.equal(verdict.trusted, inside, email);
    assert.equal(opensslVerify(whole, s, alfa.root.certificatePem).ok, inside, `OpenSSL on ${email}`);
  }
});

test('a subject outside the permitted directoryNames is CERT_NAME_CONSTRAINTS', async () => {
  const inter = await createIntermediateCa(alfa.root, {
    commonName: 'Test CA1', organization: 'Test', permittedEmailDomains: ['pec.alfa.test'], permittedDirectoryNames: ['C=IT, O=Alfa PEC S.p.A.'], validFrom,
  });
  const other = await issueProviderCertificate(inter, { domain: 'pec.alfa.test', providerName: 'Beta S.r.l.', validFrom });
  const sig = await signDetached(chunks, await signerFor(other, inter), { digest: 'sha256', signingTime: now });
  const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
  assert.deepEqual(codes(v), ['CERT_NAME_CONSTRAINTS']);
  assert.match(v.problems[0]!.message, /O=Beta S\.r\.l\./);
  assert.equal(opensslVerify(whole, sig, alfa.root.certificatePem).ok, false);
});

test('a leaf issued by a certificate that is not a CA is untrusted', async () => {
  // The provider certificate (no basicConstraints) used as an issuer: not a CA.
  const rogue = await issueProviderCertificate(alfa.provider, { domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', validFrom });
  const chain = rogue.certificatePem + alfa.provider.certificatePem + alfa.intermediate.certificatePem;
  const sig = await signDetached(chunks, await loadSigner({ chainPem: chain, privateKeyPem: rogue.privateKeyPem }), { digest: 'sha256', signingTime: now });
  const v = await verifyDetached(chunks, sig, { trustAnchorsPem: anchors, at: now });
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, false);
  assert.ok(codes(v).includes('CERT_CHAIN_UNTRUSTED'), codes(v).join());
  assert.ok(v.problems.some((p) => /not a CA/.test(p.message)), JSON.stringify(v.problems));
  assert.equal(opensslVerify(whole, sig, alfa.root.certificatePem).ok, false);
});

test('an unsupported digest is DIGEST_UNSUPPORTED and named', async () => {
  const sig = await signDetached(chunks, signer, { digest: 'sha256', signingTime: now });
  const sha512 = rewrite(sig, (sd) => {
    sd.signerInfos[0]!.digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.3' });
  });
  const v = await verifyDetached(chunks, sha512, { at: now });
  assert.equal(v.status, 'invalid');
  assert.equal(v.digest, 'sha512');
  assert.deepEqual(codes(v), ['DIGEST_UNSUPPORTED']);
  await assert.rejects(signDetached(chunks, signer, { digest: 'md5' as DigestName, signingTime: now }), /DIGEST|digest/);
});

test('30 chunks of 1 MiB sign and verify without being concatenated', async () => {
  // 30 windows over one 2 MiB buffer: 30 MiB of content, 2 MiB of memory. Concatenating
  // would allocate 30 MiB more, which the external-memory check below would see.
  const base = Buffer.alloc(2 << 20);
  for (let i = 0; i < base.length; i += 4096) base[i] = i % 251;
  const big = Array.from({ length: 30 }, (_, i) => base.subarray(i * 4096, i * 4096 + (1 << 20)));
  const before = process.memoryUsage().arrayBuffers;
  const sig = await signDetached(big, signer, { digest: 'sha256', signingTime: now });
  const afterSign = process.memoryUsage().arrayBuffers;
  const v = await verifyDetached(big, sig, { trustAnchorsPem: anchors, at: now });
  const afterVerify = process.memoryUsage().arrayBuffers;
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, true);
  assert.ok(Math.max(afterSign, afterVerify) - before < 16 << 20, `external memory grew by ${(Math.max(afterSign, afterVerify) - before) >> 20} MiB`);
  const h = createHash('sha256');
  for (const c of big) h.update(c);
  const attrs = pkijs.ContentInfo.fromBER(sig);
  const md = new pkijs.SignedData({ schema: attrs.content }).signerInfos[0]!.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!;
  assert.deepEqual(Buffer.from((md.values[0] as asn1js.OctetString).getValue()), h.digest());
});
