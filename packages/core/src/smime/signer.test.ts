/** Loading a signer and the errors of signing, each with its code. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { RecapitoError } from '../errors.ts';
import { createDevPki, pemToDerList, type DevPki } from '../pki/index.ts';
import { loadSigner, signDetached, verifyDetached, type Signer } from './index.ts';

const now = new Date();
let pki: DevPki;
before(async () => {
  pki = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa', now });
});
const coded = (code: string) => (err: unknown) => err instanceof RecapitoError && err.code === code;

test('a signer exposes its chain and leaf facts, never its key', async () => {
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  assert.deepEqual([...signer.chainDer], pemToDerList(pki.providerChainPem));
  assert.equal(signer.certificate.email, 'posta-certificata@pec.alfa.test');
  assert.ok(Object.isFrozen(signer));
  assert.doesNotMatch(JSON.stringify(signer), /PRIVATE|MII[A-Za-z0-9+/]{20}/);
  assert.deepEqual(Object.keys(signer).sort(), ['certificate', 'chainDer']);
});

test('a legacy PKCS#1 key is accepted', async () => {
  const pkcs1 = createPrivateKey(pki.provider.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pkcs1 });
  const content = [new Uint8Array([1, 2, 3])];
  const v = await verifyDetached(content, await signDetached(content, signer, { digest: 'sha256', signingTime: now }), { trustAnchorsPem: [pki.root.certificatePem], at: now });
  assert.equal(v.status, 'valid');
  assert.equal(v.trusted, true);
});

test('bad inputs are refused with codes', async () => {
  await assert.rejects(loadSigner({ chainPem: 'nothing', privateKeyPem: pki.provider.privateKeyPem }), coded('PKI_PEM_MALFORMED'));
  await assert.rejects(loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: 'nothing' }), coded('PKI_KEY_MALFORMED'));
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await assert.rejects(loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: ec }), coded('PKI_KEY_MALFORMED'));
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  const fake = { chainDer: signer.chainDer, certificate: signer.certificate } as Signer;
  await assert.rejects(signDetached([], fake, { digest: 'sha256', signingTime: now }), coded('SIGNER_UNKNOWN'));
  await assert.rejects(signDetached([], signer, { digest: 'sha256', signingTime: new Date(NaN) }), coded('SIGNING_TIME_INVALID'));
  await assert.rejects(signDetached([], signer, { digest: 'md5' as 'sha1', signingTime: now }), coded('DIGEST_UNSUPPORTED'));
});

test('empty content signs and verifies; an invalid verification time is not trusted', async () => {
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  const sig = await signDetached([], signer, { digest: 'sha1', signingTime: now });
  const ok = await verifyDetached([], sig, { trustAnchorsPem: [pki.root.certificatePem], at: now });
  assert.equal(ok.status, 'valid');
  assert.equal(ok.trusted, true);
  const bad = await verifyDetached([], sig, { trustAnchorsPem: [pki.root.certificatePem], at: new Date(NaN) });
  assert.equal(bad.trusted, false);
  assert.deepEqual(bad.problems.map((p) => p.code), ['CERT_CHAIN_UNTRUSTED']);
});
