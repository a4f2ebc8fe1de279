/**
 * Signatures come from anyone: garbage, truncations, oversized blobs, nesting bombs and random
 * corruption end as problems with S/MIME codes, quickly, and never as an exception.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as pkijs from 'pkijs';
import { createDevPki, type DevPki } from '../pki/index.ts';
import { loadSigner, SMIME_ERRORS, signDetached, verifyDetached, type SignatureVerdict } from './index.ts';

const now = new Date();
const content = [Buffer.from('hello\r\n')];
let pki: DevPki;
let good: Uint8Array;
before(async () => {
  pki = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa', now });
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  good = await signDetached(content, signer, { digest: 'sha256', signingTime: now });
});

/** A deterministic byte generator (xorshift), so failures reproduce. */
function bytes(n: number, seed = 42): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function verify(sig: Uint8Array): Promise<SignatureVerdict> {
  return verifyDetached(content, sig, { trustAnchorsPem: [pki.root.certificatePem], at: now });
}

async function assertMalformed(sig: Uint8Array, what: string): Promise<void> {
  const started = performance.now();
  const v = await verify(sig);
  const ms = performance.now() - started;
  assert.equal(v.status, 'invalid', what);
  assert.equal(v.trusted, false, what);
  assert.deepEqual(v.problems.map((p) => p.code), ['SIGNATURE_MALFORMED'], `${what}: ${JSON.stringify(v.problems)}`);
  // Generous bound: these are rejected by a size check or within a few hundred ASN.1 nodes.
  assert.ok(ms < 2000, `${what} took ${ms.toFixed(0)} ms`);
}

test('the reference signature is valid (the cases below start from it)', async () => {
  const v = await verify(good);
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, true);
});

test('empty, garbage, and garbage that starts like a SEQUENCE are SIGNATURE_MALFORMED', async () => {
  await assertMalformed(new Uint8Array(0), 'empty');
  await assertMalformed(bytes(4096), 'random');
  const seq = bytes(4096, 7);
  seq[0] = 0x30;
  await assertMalformed(seq, 'random after 0x30');
  await assertMalformed(new TextEncoder().encode('-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n'), 'PEM text');
});

test('every truncation of a valid signature is SIGNATURE_MALFORMED', async () => {
  for (let n = 1; n < good.length; n += 97) await assertMalformed(good.subarray(0, n), `first ${n} bytes`);
  await assertMalformed(good.subarray(0, good.length - 1), 'last byte missing');
});

test('a 10 MB signature is refused by size before decoding', async () => {
  const big = new Uint8Array(10 * 1024 * 1024);
  big.set(good);
  await assertMalformed(big, '10 MB');
  const v = await verify(big);
  assert.match(v.problems[0]!.message, /more than the \d+ accepted/);
});

test('nesting bombs (indefinite and definite lengths) are SIGNATURE_MALFORMED', async () => {
  const indefinite = new Uint8Array(400_000);
  for (let i = 0; i < indefinite.length; i += 2) { indefinite[i] = 0x30; indefinite[i + 1] = 0x80; }
  await assertMalformed(indefinite, 'indefinite-length nesting');
  let nested: Uint8Array = new Uint8Array([0x05, 0x00]);
  for (let depth = 0; depth < 5000; depth++) {
    const len = nested.length;
    const header = len < 0x80 ? [0x30, len] : len < 0x100 ? [0x30, 0x81, len] : len < 0x10000 ? [0x30, 0x82, len >> 8, len & 0xff] : [0x30, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
    const next = new Uint8Array(header.length + len);
    next.set(header);
    next.set(nested, header.length);
    nested = next;
  }
  await assertMalformed(nested, 'definite-length nesting');
});

test('structurally wrong CMS: other content type, no signer, too many certificates', async () => {
  const data = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.1', content: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }).toSchema() });
  await assertMalformed(new Uint8Array(data.toSchema().toBER()), 'id-data ContentInfo');
  const rewrite = (edit: (sd: pkijs.SignedData) => void): Uint8Array => {
    const ci = pkijs.ContentInfo.fromBER(good);
    const sd = new pkijs.SignedData({ schema: ci.content });
    edit(sd);
    return new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema() }).toSchema().toBER());
  };
  await assertMalformed(rewrite((sd) => { sd.signerInfos = []; }), 'no SignerInfo');
  await assertMalformed(rewrite((sd) => { sd.certificates = Array.from({ length: 40 }, () => sd.certificates![1]!); }), '40 certificates');
  const noCerts = await verify(rewrite((sd) => { delete sd.certificates; }));
  assert.equal(noCerts.status, 'invalid');
  assert.deepEqual(noCerts.problems.map((p) => p.code), ['SIGNER_CERT_MISSING']);
});

test('trailing bytes after the ContentInfo are ignored, as OpenSSL reads one object', async () => {
  const padded = new Uint8Array(good.length + 16);
  padded.set(good);
  assert.equal((await verify(padded)).status, 'valid');
});

test('200 random one-byte corruptions never throw, only yield S/MIME codes, and are noticed', async () => {
  const known = new Set(Object.keys(SMIME_ERRORS));
  const unnoticed: number[] = [];
  let seed = 1;
  for (let i = 0; i < 200; i++) {
    const r = bytes(3, ++seed);
    const pos = ((r[0]! << 8) | r[1]!) % good.length;
    const sig = new Uint8Array(good);
    sig[pos] = sig[pos]! ^ (r[2]! || 1);
    const v = await verify(sig);
    for (const p of v.problems) assert.ok(known.has(p.code), `byte ${pos}: ${p.code} ${p.message}`);
    if (v.status === 'valid' && v.trusted) unnoticed.push(pos);
    if (v.status === 'invalid') assert.ok(v.problems.length > 0, `byte ${pos}: invalid without a problem`);
  }
  // The only bytes a verifier may ignore: the SignedData version value and digestAlgorithms, a
  // hint for one-pass processing (RFC 5652 §5.1); the SignerInfo's digestAlgorithm is what counts.
  const digestAlgorithms = Buffer.from(good).indexOf(Buffer.from([0x31, 0x0d, 0x30, 0x0b, 0x06, 0x09]));
  assert.ok(digestAlgorithms > 0 && digestAlgorithms < 40);
  for (const pos of unnoticed) assert.ok(pos >= digestAlgorithms - 1 && pos < digestAlgorithms + 15, `byte ${pos} changed unnoticed`);
});
