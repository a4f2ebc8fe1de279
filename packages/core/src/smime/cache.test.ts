/**
 * The S/MIME caches change no verdict: parsed certificates and chain analyses are reused only
 * for the exact same bytes, dates are judged at every call, the caches stay bounded, and what
 * callers receive is theirs to change. Signing from the per-signer template gives the very
 * bytes the pkijs construction gives.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as x509 from '@peculiar/x509';
import { createDevPki, pemToDerList, type DevPki } from '../pki/index.ts';
import { CMS_OIDS } from './attributes.ts';
import { CERTIFICATE_CACHE_SIZE, certEntry, certificateCache } from './certificates.ts';
import { CHAIN_CACHE_SIZE, chainCache, validateChain } from './chain.ts';
import { DIGEST_OIDS, RSA_ENCRYPTION_OID, WEB_HASH, hashChunks, type DigestName } from './digest.ts';
import { LruCache } from './lru.ts';
import { loadSigner, signDetached, verifyDetached, type Signer, type SignatureVerdict } from './index.ts';

const now = new Date();
const content = [Buffer.from('Content-Type: text/plain\r\n\r\nciao\r\n')];
const codes = (v: SignatureVerdict): string[] => v.problems.map((p) => p.code);
let pki: DevPki;
let signer: Signer;
let anchors: string[];
let leafDer: Uint8Array;
let interDer: Uint8Array;

before(async () => {
  pki = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa PEC S.p.A.', now });
  signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  anchors = [pki.root.certificatePem];
  [leafDer, interDer] = pemToDerList(pki.providerChainPem) as [Uint8Array, Uint8Array];
});

/** `der` with its last byte (inside the certificate's signature value) changed. */
function lastByteFlipped(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(der);
  out[out.length - 1] = out[out.length - 1]! ^ 1;
  return out;
}

/** The `i`-th variant of `der` (i < 65536): its last two bytes, inside the signature value, set to `i`. */
function variant(der: Uint8Array, i: number): Uint8Array {
  const out = new Uint8Array(der);
  out[out.length - 1] = i & 0xff;
  out[out.length - 2] = i >> 8;
  return out;
}

/** `sig` with one byte of the embedded certificate `cert` changed (its last byte). */
function tamperedCertificate(sig: Uint8Array, cert: Uint8Array): Uint8Array {
  const at = Buffer.from(sig).indexOf(Buffer.from(cert));
  assert.ok(at > 0, 'the certificate travels in the signature');
  const out = new Uint8Array(sig);
  out[at + cert.length - 1] = out[at + cert.length - 1]! ^ 1;
  return out;
}

function clearCaches(): void {
  certificateCache.clear();
  chainCache.clear();
}

test('the LRU keeps at most its capacity and evicts the least recently used', () => {
  const lru = new LruCache<string, number>(3);
  for (const [i, k] of ['a', 'b', 'c'].entries()) lru.set(k, i);
  assert.equal(lru.get('a'), 0); // a is now the most recent
  lru.set('d', 3);
  assert.equal(lru.size, 3);
  assert.equal(lru.has('b'), false, 'b was the least recently used');
  assert.deepEqual(['a', 'c', 'd'].map((k) => lru.get(k)), [0, 2, 3]);
  lru.set('c', 9);
  assert.equal(lru.get('c'), 9);
  assert.equal(lru.size, 3);
  assert.throws(() => new LruCache(0), RangeError);
});

test('identical bytes share one parse; one byte different is another certificate', () => {
  const a = certEntry(new Uint8Array(interDer));
  const b = certEntry(new Uint8Array(interDer));
  assert.equal(a.id, b.id);
  assert.equal(a.x509, b.x509, 'the second parse is a cache hit');
  assert.equal(a.cert, b.cert);
  assert.notEqual(a.der, b.der, 'each entry keeps the bytes it was given');
  const c = certEntry(lastByteFlipped(interDer));
  assert.notEqual(c.id, a.id);
  assert.notEqual(c.x509, a.x509);
  assert.notEqual(c.cert, a.cert);
  assert.deepEqual(new Uint8Array(c.x509.rawData), lastByteFlipped(interDer));
  assert.throws(() => certEntry(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])));
});

test('the certificate cache stays bounded', () => {
  // Distinct certificates that still parse: the intermediate with its signature bits changed.
  for (let i = 0; i < CERTIFICATE_CACHE_SIZE + 44; i++) {
    certEntry(variant(interDer, i));
    assert.ok(certificateCache.size <= CERTIFICATE_CACHE_SIZE);
  }
  assert.equal(certificateCache.size, CERTIFICATE_CACHE_SIZE);
});

test('the chain cache stays bounded', async () => {
  const leaf = certEntry(new Uint8Array(leafDer));
  const inter = certEntry(new Uint8Array(interDer));
  const rootDer = pemToDerList(pki.root.certificatePem)[0]!;
  const root = certEntry(rootDer);
  for (let i = 0; i < CHAIN_CACHE_SIZE + 20; i++) {
    // Each anchor set has its own extra anchor (a broken copy of the root), hence its own analysis.
    const v = await validateChain(leaf, [inter], [root, certEntry(variant(rootDer, i))], now);
    assert.equal(v.trusted, true);
    assert.ok(chainCache.size <= CHAIN_CACHE_SIZE);
  }
  assert.equal(chainCache.size, CHAIN_CACHE_SIZE);
});

test('a certificate one byte away from a cached one does not inherit its trust', async () => {
  const sig = await signDetached(content, signer, { digest: 'sha256', signingTime: now });
  assert.equal((await verifyDetached(content, sig, { trustAnchorsPem: anchors, at: now })).trusted, true);
  // The intermediate's signature changed: the path to the root no longer verifies.
  const badInter = await verifyDetached(content, tamperedCertificate(sig, interDer), { trustAnchorsPem: anchors, at: now });
  assert.equal(badInter.status, 'valid', 'the signer key is untouched');
  assert.equal(badInter.trusted, false);
  assert.deepEqual(codes(badInter), ['CERT_CHAIN_UNTRUSTED']);
  // The leaf's signature changed: it is no longer issued by the intermediate.
  const badLeaf = await verifyDetached(content, tamperedCertificate(sig, leafDer), { trustAnchorsPem: anchors, at: now });
  assert.equal(badLeaf.trusted, false);
  assert.deepEqual(codes(badLeaf), ['CERT_CHAIN_UNTRUSTED']);
  assert.notEqual(badLeaf.signer?.sha1, (await verifyDetached(content, sig, { at: now })).signer?.sha1);
  // And the genuine signature is still trusted afterwards.
  assert.equal((await verifyDetached(content, sig, { trustAnchorsPem: anchors, at: now })).trusted, true);
});

test('a certificate whose extensions cannot be read fails the same way every time', async () => {
  // Find a one-bit change of the intermediate that both libraries still parse but whose
  // extensions @peculiar/x509 cannot read: the library reports no extensions after such a
  // failure, which a shared parse must not turn into a pass.
  const sig = await signDetached(content, signer, { digest: 'sha256', signingTime: now });
  const start = Buffer.from(sig).indexOf(Buffer.from(interDer));
  let broken: Uint8Array | undefined;
  for (let i = interDer.length - 300; i > 100 && !broken; i--) {
    const candidate = new Uint8Array(sig);
    candidate[start + i] = candidate[start + i]! ^ 0x20;
    const inter = new Uint8Array(candidate.subarray(start, start + interDer.length));
    try {
      pkijs.Certificate.fromBER(inter);
      const parsed = new x509.X509Certificate(inter);
      void parsed.subject;
    } catch {
      continue;
    }
    try {
      void new x509.X509Certificate(inter).extensions;
    } catch {
      broken = candidate;
    }
  }
  assert.ok(broken, 'such a change exists');
  const first = await verifyDetached(content, broken, { trustAnchorsPem: anchors, at: now });
  assert.equal(first.trusted, false);
  assert.deepEqual(codes(first), ['SIGNATURE_MALFORMED']);
  for (let i = 0; i < 3; i++) assert.deepEqual(await verifyDetached(content, broken, { trustAnchorsPem: anchors, at: now }), first);
});

test('a cached chain is judged again at every time: expiry and not-yet-valid stay exact', async () => {
  const sig = await signDetached(content, signer, { digest: 'sha256', signingTime: now });
  const at = (t: Date): Promise<SignatureVerdict> => verifyDetached(content, sig, { trustAnchorsPem: anchors, at: t });
  const ok = await at(now);
  assert.equal(ok.trusted, true);
  const { notBefore, notAfter } = ok.signer!;
  const late = new Date(notAfter.getTime() + 1000);
  const early = new Date(notBefore.getTime() - 1000);
  const expired = await at(late);
  assert.equal(expired.trusted, false);
  assert.deepEqual(codes(expired), ['CERT_EXPIRED']);
  assert.match(expired.problems[0]!.message, /signer certificate .* expired on/);
  const lastSecond = await at(notAfter);
  assert.equal(lastSecond.trusted, true, 'valid through notAfter inclusive');
  const tooEarly = await at(early);
  assert.equal(tooEarly.trusted, false);
  assert.deepEqual(codes(tooEarly), ['CERT_NOT_YET_VALID', 'CERT_NOT_YET_VALID', 'CERT_NOT_YET_VALID']);
  assert.equal((await at(now)).trusted, true);
  // The same verdicts as with nothing cached.
  for (const [t, cached] of [[late, expired], [early, tooEarly], [now, ok]] as const) {
    clearCaches();
    assert.deepEqual(await at(t), cached);
  }
});

test('verdicts belong to the caller: changing one does not change the next', async () => {
  const sig = await signDetached(content, signer, { digest: 'sha1', signingTime: now });
  const late = new Date(now.getTime() + 4000 * 86_400_000);
  const first = await verifyDetached(content, sig, { trustAnchorsPem: anchors, at: late });
  const reference = structuredClone(first);
  first.signer!.der.fill(0);
  first.signer!.notAfter.setTime(0);
  (first.problems[0] as { message: string }).message = 'changed';
  first.problems.length = 0;
  assert.deepEqual(await verifyDetached(content, sig, { trustAnchorsPem: anchors, at: late }), reference);
});

test('a DER anchor changed by its owner after use is another anchor', async () => {
  const sig = await signDetached(content, signer, { digest: 'sha256', signingTime: now });
  const anchor = pemToDerList(pki.root.certificatePem)[0]!;
  assert.equal((await verifyDetached(content, sig, { trustAnchorsPem: [anchor], at: now })).trusted, true);
  // A byte of its public key changed (its own signature is never checked: it is an anchor).
  const spki = Buffer.from(anchor).indexOf(Buffer.from(certEntry(new Uint8Array(anchor)).x509.publicKey.rawData));
  assert.ok(spki > 0);
  anchor[spki + 100] = anchor[spki + 100]! ^ 1;
  const v = await verifyDetached(content, sig, { trustAnchorsPem: [anchor], at: now });
  assert.equal(v.trusted, false);
  assert.deepEqual(codes(v), ['CERT_CHAIN_UNTRUSTED']);
});

/** The SignedData as pkijs builds it from parsed certificates: the construction signing replaced. */
async function pkijsReference(digest: DigestName, signingTime: Date): Promise<Uint8Array> {
  const pkcs8 = createPrivateKey(pki.provider.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: WEB_HASH[digest] }, false, ['sign']);
  const d = new Date(Math.floor(signingTime.getTime() / 1000) * 1000);
  const time = d.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: d }) : new asn1js.GeneralizedTime({ valueDate: d });
  const caps = new asn1js.Sequence({
    value: ['2.16.840.1.101.3.4.1.42', '2.16.840.1.101.3.4.1.22', '2.16.840.1.101.3.4.1.2', '1.2.840.113549.3.7']
      .map((oid) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] })),
  });
  const attrs = [
    new pkijs.Attribute({ type: CMS_OIDS.contentType, values: [new asn1js.ObjectIdentifier({ value: CMS_OIDS.data })] }),
    new pkijs.Attribute({ type: CMS_OIDS.signingTime, values: [time] }),
    new pkijs.Attribute({ type: CMS_OIDS.messageDigest, values: [new asn1js.OctetString({ valueHex: hashChunks(content, digest) })] }),
    new pkijs.Attribute({ type: CMS_OIDS.smimeCapabilities, values: [caps] }),
  ].map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) })).sort((x, y) => Buffer.compare(x.der, y.der)).map((e) => e.a);
  const signed = new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER(false);
  const signature = await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, signed);
  const certs = pemToDerList(pki.providerChainPem).map((der) => pkijs.Certificate.fromBER(der));
  const alg = (): pkijs.AlgorithmIdentifier => new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[digest] });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [alg()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OIDS.data }),
    certificates: certs,
    signerInfos: [new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: certs[0]!.issuer, serialNumber: certs[0]!.serialNumber }),
      digestAlgorithm: alg(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: RSA_ENCRYPTION_OID, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.OctetString({ valueHex: signature }),
    })],
  });
  return new Uint8Array(new pkijs.ContentInfo({ contentType: CMS_OIDS.signedData, content: signedData.toSchema() }).toSchema().toBER(false));
}

test('signing from the template gives the bytes of the pkijs construction', async () => {
  for (const digest of ['sha256', 'sha1'] as DigestName[]) {
    for (const signingTime of [now, new Date('2051-03-04T05:06:07.890Z'), new Date('1999-12-31T23:59:59Z')]) {
      const ours = await signDetached(content, signer, { digest, signingTime });
      assert.deepEqual(Buffer.from(ours), Buffer.from(await pkijsReference(digest, signingTime)), `${digest} at ${signingTime.toISOString()}`);
    }
  }
});

test("a signer's signatures do not change when its chainDer arrays are written", async () => {
  const own = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  const before = await signDetached(content, own, { digest: 'sha256', signingTime: now });
  for (const der of own.chainDer) der.fill(0);
  assert.deepEqual(await signDetached(content, own, { digest: 'sha256', signingTime: now }), before);
  assert.equal((await verifyDetached(content, before, { trustAnchorsPem: anchors, at: now })).trusted, true);
});
