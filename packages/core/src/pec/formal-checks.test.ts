import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formalChecks } from './formal-checks.ts';
import { readOriginal } from './original.ts';

const limits = { maxMessageBytes: 1000, maxRecipients: 2, maxTotalBytes: 1500 };
const msg = (headers: string[], body = 'ciao'): ReturnType<typeof readOriginal> => readOriginal(Buffer.from([...headers, '', body].join('\r\n')));
const codes = (v: { code: string }[]): string[] => v.map((x) => x.code);

test('a well-formed submission passes', () => {
  const o = msg(['From: A <a@pec.a.test>', 'To: b@pec.b.test', 'Cc: c@pec.c.test', 'Subject: x']);
  assert.deepEqual(formalChecks(o, { mailFrom: 'A@pec.a.test', rcptTo: ['b@pec.b.test', 'C@pec.c.test'] }, limits), []);
});

test('each RFC 6109 §3.1.1 exception is named', () => {
  assert.deepEqual(codes(formalChecks(msg(['To: b@pec.b.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits)), ['FROM_INVALID']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test, x@pec.a.test', 'To: b@pec.b.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits)), ['FROM_INVALID']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits)), ['TO_MISSING', 'RCPT_NOT_IN_HEADERS']);
  assert.deepEqual(codes(formalChecks(msg(['From: x@pec.a.test', 'To: b@pec.b.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits)), ['SENDER_MISMATCH']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test', 'To: b@pec.b.test', 'Bcc: h@pec.b.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test', 'h@pec.b.test'] }, limits)), ['RCPT_NOT_IN_HEADERS', 'BCC_PRESENT']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test', 'To: b@pec.b.test, c@pec.b.test, d@pec.b.test']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test', 'c@pec.b.test', 'd@pec.b.test'] }, limits)), ['TOO_MANY_RECIPIENTS']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test', 'To: b@pec.b.test'], 'x'.repeat(1200)), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits)), ['MESSAGE_TOO_LARGE']);
  assert.deepEqual(codes(formalChecks(msg(['From: a@pec.a.test', 'To: b@pec.b.test, c@pec.b.test'], 'x'.repeat(800)), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test', 'c@pec.b.test'] }, limits)), ['TOTAL_SIZE_EXCEEDED']);
  // An empty Bcc field (some clients write one) is not a Bcc.
  assert.deepEqual(formalChecks(msg(['From: a@pec.a.test', 'To: b@pec.b.test', 'Bcc:']), { mailFrom: 'a@pec.a.test', rcptTo: ['b@pec.b.test'] }, limits), []);
});
