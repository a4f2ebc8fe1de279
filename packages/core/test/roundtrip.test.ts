/**
 * Build → serialize → parse → classify gives back the same data, for every kind and receipt
 * variant; every message verifies with OpenSSL and every daticert.xml validates with xmllint.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAnyKind, concatChunks, inspectMessage, parseMessage, walk, fileName, decodeBody, PEC_KINDS,
  type PecKind, type ReceiptVariant,
} from '../src/index.ts';
import { opensslVerify, sampleOriginal, testProvider, xmllintValid, type TestProvider } from './helpers.ts';

let alfa: TestProvider;
before(async () => {
  alfa = await testProvider();
});

const SUBJECT = 'Determina n. 42 – Città € «urgente» 日本 & <tag> "quoted"';

interface Case { kind: PecKind; variant?: ReceiptVariant; error?: string }
const CASES: Case[] = [
  ...PEC_KINDS.filter((k) => k !== 'ordinaria' && k !== 'avvenuta-consegna' && k !== 'errore-consegna').map((kind) => ({ kind })),
  { kind: 'avvenuta-consegna', variant: 'completa' },
  { kind: 'avvenuta-consegna', variant: 'breve' },
  { kind: 'avvenuta-consegna', variant: 'sintetica' },
  { kind: 'errore-consegna', error: 'no-dest' },
  { kind: 'errore-consegna', error: 'no-dominio' },
  { kind: 'errore-consegna', error: 'altro' },
  { kind: 'errore-consegna', error: 'virus' },
  { kind: 'non-accettazione', error: 'virus' },
];

function daticertOf(raw: Uint8Array): Uint8Array | undefined {
  const msg = parseMessage(raw);
  const part = [...walk(msg.root)].find((n) => fileName(n) === 'daticert.xml');
  return part ? decodeBody(msg, part).bytes : undefined;
}

for (const c of CASES) {
  const label = `${c.kind}${c.variant ? ` ${c.variant}` : ''}${c.error ? ` ${c.error}` : ''}`;
  test(`round trip: ${label}`, async () => {
    const original = sampleOriginal({ subject: SUBJECT, to: ['tributi@pec.beta.test', 'ufficio@pec.beta.test'], cc: ['segreteria@pec.beta.test'] });
    const built = await buildAnyKind({
      kind: c.kind, provider: alfa.provider, sender: 'protocollo@pec.alfa.test',
      to: ['tributi@pec.beta.test', 'ufficio@pec.beta.test'], cc: ['segreteria@pec.beta.test'], external: ['ufficio@pec.beta.test'],
      original, ...(c.variant ? { variant: c.variant } : {}), ...(c.error ? { error: c.error } : {}),
      pecMsgId: 'rcp.20261123093000.0011223344@pec.alfa.test',
    });
    const raw = concatChunks(built.chunks);
    const r = await inspectMessage(raw, { at: alfa.clock.now(), trustAnchorsPem: [alfa.caPem] });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(r.kind, c.kind);
    assert.equal(r.signature.status, 'valid');
    assert.equal(r.signature.trusted, true);
    assert.equal(r.signature.signer?.email, 'posta-certificata@pec.alfa.test');
    if (c.kind === 'anomalia') {
      assert.equal(r.pecMsgId, 'client.123.abc@mua.alfa.test');
      assert.equal(r.subject, `ANOMALIA MESSAGGIO: ${SUBJECT}`);
    } else {
      assert.equal(r.pecMsgId, 'rcp.20261123093000.0011223344@pec.alfa.test');
      assert.equal(r.clientMsgId, '<client.123.abc@mua.alfa.test>');
      assert.equal(r.sender, 'protocollo@pec.alfa.test');
      assert.equal(r.subject, SUBJECT);
      assert.deepEqual(r.recipients, [
        { address: 'tributi@pec.beta.test', type: 'certificato' },
        { address: 'ufficio@pec.beta.test', type: 'esterno' },
        { address: 'segreteria@pec.beta.test', type: 'certificato' },
      ]);
      assert.equal(r.issuer, 'Alfa PEC S.p.A.');
      assert.equal(r.daticert?.risposte, 'protocollo@pec.alfa.test');
      assert.equal(r.date, alfa.clock.now().toISOString());
      if (c.variant) assert.equal(r.variant, c.variant);
      if (c.error) assert.equal(r.error, c.error);
      const xml = daticertOf(raw);
      assert.ok(xml);
      const lint = xmllintValid(xml);
      assert.ok(lint.ok, lint.stderr);
    }
    const v = opensslVerify(raw, alfa.caPem);
    assert.ok(v.ok, v.stderr);
  });
}

test('SHA-1 signatures (as real providers sign) verify with our verifier and OpenSSL', async () => {
  const sha1 = await testProvider('pec.alfa.test', { digest: 'sha1' });
  const built = await buildAnyKind({ kind: 'accettazione', provider: sha1.provider, sender: 'a@pec.alfa.test', to: ['b@pec.beta.test'] });
  const raw = concatChunks(built.chunks);
  assert.match(raw.toString('latin1'), /micalg="sha1"/);
  const r = await inspectMessage(raw, { at: sha1.clock.now(), trustAnchorsPem: [sha1.caPem] });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.signature.digest, 'sha1');
  assert.ok(opensslVerify(raw, sha1.caPem).ok);
});

test('a 25 MB original travels in the envelope and the complete receipt byte for byte', async () => {
  const original = sampleOriginal({ attachmentBytes: 25 * 1024 * 1024 });
  for (const kind of ['posta-certificata', 'avvenuta-consegna'] as const) {
    const built = await buildAnyKind({ kind, provider: alfa.provider, sender: 'protocollo@pec.alfa.test', to: ['tributi@pec.beta.test'], original, variant: 'completa' });
    const raw = concatChunks(built.chunks);
    const r = await inspectMessage(raw, { at: alfa.clock.now(), trustAnchorsPem: [alfa.caPem] });
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    const msg = parseMessage(raw);
    const post = [...walk(msg.root)].find((n) => n.contentType.mime === 'message/rfc822')!;
    const inner = Buffer.from(decodeBody(msg, post).bytes);
    // Only Message-ID replaced and X-Riferimento-Message-ID added (RFC 6109 §2.2.1).
    const expected = original.toString('latin1').replace('Message-ID: <client.123.abc@mua.alfa.test>\r\n',
      `Message-ID: <${r.pecMsgId}>\r\nX-Riferimento-Message-ID: <client.123.abc@mua.alfa.test>\r\n`);
    assert.equal(inner.length, Buffer.byteLength(expected, 'latin1'));
    assert.ok(inner.equals(Buffer.from(expected, 'latin1')));
    assert.ok(opensslVerify(raw, alfa.caPem).ok);
  }
});
