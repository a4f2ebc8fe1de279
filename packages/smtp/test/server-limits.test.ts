// Listener limits and backend replies, driven by Python's smtplib: SIZE, recipients, refusals
// with their enhanced codes, backend exceptions, and the inbound (port 25 style) mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b64, memoryLogger, python, recordingBackend, refusal, startListener, trickyMessage } from './helpers.ts';

const login = { op: 'login', method: 'PLAIN', user: 'alice', password: 'secret' };

test('a message over maxMessageBytes gets 552 5.3.4 and never reaches the backend', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'submission-tls', backend, maxMessageBytes: 1000 });
  const big = Buffer.alloc(5000, 'x\r\n'.repeat(10));
  const r = await python(port, [
    login,
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(big) },
    // A SIZE declaration over the limit is refused at MAIL FROM (RFC 1870).
    { op: 'mail', from: 'alice@pec.example', options: ['SIZE=2000'] },
    // The session goes on: a message within the limit passes.
    { op: 'mail', from: 'alice@pec.example', options: ['SIZE=20'] },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(Buffer.from('Subject: ok\r\n\r\nok\r\n')) },
  ], { ssl: true });
  assert.equal(r[3]?.code, 552);
  assert.match(r[3]?.message ?? '', /^5\.3\.4 /);
  assert.equal(r[4]?.code, 552);
  assert.match(r[4]?.message ?? '', /^5\.3\.4 /);
  assert.deepEqual(r.slice(5).map((x) => x.code), [250, 250, 250]);
  assert.equal(backend.deliveries.length, 1);
});

test('too many recipients gets 452 4.5.3', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'submission-tls', backend, maxRecipients: 2 });
  const r = await python(port, [
    login,
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'a@pec.example' },
    { op: 'rcpt', to: 'b@pec.example' },
    { op: 'rcpt', to: 'c@pec.example' },
    { op: 'data', b64: b64(Buffer.from('Subject: x\r\n\r\nx\r\n')) },
  ], { ssl: true });
  assert.deepEqual(r.slice(1).map((x) => x.code), [250, 250, 250, 452, 250]);
  assert.match(r[4]?.message ?? '', /^4\.5\.3 /);
  assert.deepEqual(backend.deliveries[0]?.envelope.rcptTo, ['a@pec.example', 'b@pec.example']);
});

test('backend refusals reach the client with their code, enhanced code and text', async (t) => {
  const backend = recordingBackend({
    async mailFrom(address) {
      return address === 'mallory@pec.example' ? refusal(550, '5.7.1', 'Sender not allowed for this user') : undefined;
    },
    async rcptTo(address, _s, mailFrom) {
      if (address === 'full@pec.example') return refusal(452, '4.2.2', `Mailbox full (from ${mailFrom})`);
      // A mismatched class is corrected to the reply's (RFC 3463 §2).
      if (address === 'odd@pec.example') return refusal(550, '4.1.1', 'No such user');
      return undefined;
    },
    async data() { return refusal(554, '5.6.0', 'Formal checks failed\r\ninjected: line'); },
  });
  const { port } = await startListener(t, { mode: 'submission-tls', backend });
  const r = await python(port, [
    login,
    { op: 'mail', from: 'mallory@pec.example' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'full@pec.example' },
    { op: 'rcpt', to: 'odd@pec.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(Buffer.from('Subject: x\r\n\r\nx\r\n')) },
  ], { ssl: true });
  assert.deepEqual(r.slice(1).map((x) => [x.code, x.message]), [
    [550, '5.7.1 Sender not allowed for this user'],
    [250, '2.1.0 Accepted'],
    [452, '4.2.2 Mailbox full (from alice@pec.example)'],
    [550, '5.1.1 No such user'],
    [250, '2.1.5 Accepted'],
    [554, '5.6.0 Formal checks failed injected: line'],
  ]);
});

test('a throwing backend gives 451 4.3.0, is logged, and the listener keeps serving', async (t) => {
  const logger = memoryLogger();
  let calls = 0;
  const backend = recordingBackend({
    async mailFrom() {
      calls++;
      if (calls === 1) throw new Error('database is down');
      return undefined;
    },
    async data() { throw new Error('disk full'); },
  });
  const { port } = await startListener(t, { mode: 'submission-tls', backend, logger });
  const r = await python(port, [
    login,
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(trickyMessage()) },
  ], { ssl: true });
  assert.deepEqual(r.slice(1).map((x) => x.code), [451, 250, 250, 451]);
  assert.match(r[1]?.message ?? '', /^4\.3\.0 Requested action aborted: local error in processing$/);
  assert.doesNotMatch(r[4]?.message ?? '', /disk/);
  const warns = logger.entries.filter((e) => e.level === 'warn');
  assert.equal(warns.length, 2);
  assert.deepEqual(warns.map((w) => (w.obj.err as { message: string }).message), ['database is down', 'disk full']);
  // Nothing logged carries the password or the message body.
  const logged = JSON.stringify(logger.entries);
  assert.ok(!logged.includes('secret') && !logged.includes('two dots'));
  const again = await python(port, [login, { op: 'quit' }], { ssl: true });
  assert.equal(again[0]?.code, 235);
});

test('inbound: plaintext without AUTH, STARTTLS offered and working', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'inbound', backend });
  const message = trickyMessage();
  const plain = await python(port, [
    { op: 'ehlo' },
    { op: 'cmd', line: `AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}` },
    { op: 'mail', from: 'someone@internet.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(message) },
  ]);
  const features = plain[0]?.features ?? {};
  assert.ok('starttls' in features && 'size' in features);
  assert.ok(!('auth' in features));
  assert.ok((plain[1]?.code ?? 0) >= 500, 'AUTH is not available on the inbound listener');
  assert.deepEqual(plain.slice(2).map((x) => x.code), [250, 250, 250]);
  assert.equal(backend.deliveries[0]?.session.secure, false);
  assert.ok(Buffer.from(backend.deliveries[0]!.message).equals(Buffer.from(message)));

  const tls = await python(port, [
    { op: 'starttls' },
    { op: 'ehlo' },
    { op: 'mail', from: 'posta-certificata@other.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(message) },
  ]);
  assert.deepEqual(tls.map((x) => x.code), [220, 250, 250, 250, 250]);
  assert.equal(backend.deliveries[1]?.session.secure, true);
  assert.equal(backend.deliveries[1]?.session.user, undefined);
});
