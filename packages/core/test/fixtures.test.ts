/**
 * Public real-world messages (test/fixtures/real, sources and licences in its README): real
 * provider-signed envelopes and receipts classify correctly and verify; the tampered ones are
 * reported as tampered; anonymized copies with stub or no signatures are not accepted as PEC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspectMessage, headerValue, parseMessage } from '../src/index.ts';

const dir = new URL('./fixtures/real/', import.meta.url);
interface Expected {
  file: string; kind: string; variant?: string; signature: 'intact' | 'tampered' | 'absent' | 'unparseable';
  pecMsgId?: string; clientMsgId?: string; problems?: string[]; clientMsgIdSha256?: string; sender?: string; senderDomain?: string;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected[];
const agidCa1 = readFileSync(new URL('certs/agid-ca1.pem', dir), 'utf8');

for (const e of expected) {
  test(`real fixture ${e.file}: ${e.kind}, signature ${e.signature}`, async () => {
    const raw = readFileSync(new URL(e.file, dir));
    // Certificates are checked at the time the message was signed (they expired in 2020).
    const date = headerValue(parseMessage(raw).root.headers, 'date');
    const at = date ? new Date(date) : new Date('2024-01-01T00:00:00Z');
    const r = await inspectMessage(raw, { at, trustAnchorsPem: [agidCa1] });
    const codes = r.problems.map((p) => p.code);
    assert.equal(r.kind, e.kind);
    if (e.variant) assert.equal(r.variant ?? (r.daticert?.ricevuta), e.variant);
    switch (e.signature) {
      case 'intact':
        assert.equal(r.signature.status, 'valid', codes.join());
        assert.equal(r.signature.trusted, true, codes.join());
        assert.equal(r.signature.digest, 'sha1');
        assert.deepEqual(codes, []);
        assert.equal(r.ok, true);
        break;
      case 'tampered':
        assert.equal(r.signature.status, 'invalid');
        assert.ok(codes.includes('SIGNATURE_DIGEST_MISMATCH'), codes.join());
        assert.equal(r.ok, false);
        break;
      case 'absent':
        assert.equal(r.signature.status, 'absent');
        assert.equal(r.ok, false);
        if (e.kind !== 'ordinaria') assert.ok(codes.includes('SIGNATURE_ABSENT'));
        break;
      case 'unparseable':
        assert.equal(r.signature.status, 'invalid');
        assert.ok(codes.some((c) => c === 'SIGNATURE_MALFORMED' || c === 'MIME_BAD_BASE64'), codes.join());
        assert.equal(r.ok, false);
        break;
    }
    for (const c of e.problems ?? []) assert.ok(codes.includes(c), `${c} expected in ${codes.join()}`);
    if (e.pecMsgId) assert.equal(r.pecMsgId, e.pecMsgId);
    if (e.clientMsgId) assert.equal(r.clientMsgId, e.clientMsgId);
    if (e.clientMsgIdSha256) assert.equal(createHash('sha256').update(r.clientMsgId ?? '').digest('hex'), e.clientMsgIdSha256);
    if (e.sender) assert.equal(r.sender, e.sender);
    if (e.senderDomain) assert.equal(r.sender?.split('@')[1], e.senderDomain);
  });
}
