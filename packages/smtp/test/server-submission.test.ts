// Submission listeners driven by Python's smtplib: implicit TLS and STARTTLS, AUTH PLAIN and
// LOGIN, refusals before TLS / before AUTH, wrong passwords and the failed-login limiter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@recapito/core';
import { b64, python, recordingBackend, startListener, trickyMessage } from './helpers.ts';

test('implicit TLS + AUTH PLAIN: the backend receives the exact bytes', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'submission-tls', backend });
  const message = trickyMessage();
  const r = await python(port, [
    { op: 'ehlo' },
    { op: 'login', method: 'PLAIN', user: 'alice', password: 'secret' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'rcpt', to: 'carol@pec.example' },
    { op: 'data', b64: b64(message) },
    { op: 'quit' },
  ], { ssl: true });
  const features = r[0]?.features ?? {};
  assert.equal(features.auth?.trim(), 'PLAIN LOGIN');
  assert.equal(features.size, String(64 * 1024));
  assert.ok('enhancedstatuscodes' in features && '8bitmime' in features);
  assert.ok(!('starttls' in features));
  assert.equal(r[1]?.code, 235);
  assert.deepEqual(r.slice(2, 6).map((x) => x.code), [250, 250, 250, 250]);
  assert.equal(backend.deliveries.length, 1);
  const d = backend.deliveries[0]!;
  assert.ok(Buffer.from(d.message).equals(Buffer.from(message)), 'bytes differ');
  assert.ok(!Buffer.isBuffer(d.message) && d.message.byteOffset === 0 && d.message.buffer.byteLength === message.length);
  assert.deepEqual(d.envelope, { mailFrom: 'alice@pec.example', rcptTo: ['bob@pec.example', 'carol@pec.example'] });
  assert.equal(d.session.user, 'alice');
  assert.equal(d.session.secure, true);
  assert.equal(d.session.remoteAddress, '127.0.0.1');
});

test('STARTTLS + AUTH LOGIN; AUTH hidden and refused before STARTTLS; MAIL before AUTH is 530', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'submission-starttls', backend });
  const r = await python(port, [
    { op: 'ehlo' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'cmd', line: `AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}` },
    { op: 'starttls' },
    { op: 'ehlo' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'login', method: 'LOGIN', user: 'alice', password: 'secret' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'rcpt', to: 'bob@pec.example' },
    { op: 'data', b64: b64(Buffer.from('Subject: x\r\n\r\nhello\r\n')) },
  ]);
  assert.ok('starttls' in (r[0]?.features ?? {}));
  assert.ok(!('auth' in (r[0]?.features ?? {})), 'AUTH must not be offered in cleartext');
  assert.equal(r[1]?.code, 530);
  assert.match(r[1]?.message ?? '', /^5\.7\.0 Authentication required/);
  assert.equal(r[2]?.code, 530);
  assert.match(r[2]?.message ?? '', /^5\.7\.0 Must issue a STARTTLS command first/);
  assert.deepEqual(backend.logins, ['alice'], 'only the login after STARTTLS reaches the backend');
  assert.equal(r[3]?.code, 220);
  assert.equal(r[4]?.features?.auth?.trim(), 'PLAIN LOGIN');
  assert.ok(!('starttls' in (r[4]?.features ?? {})));
  assert.equal(r[5]?.code, 530);
  assert.equal(r[6]?.code, 235);
  assert.deepEqual(r.slice(7).map((x) => x.code), [250, 250, 250]);
  assert.equal(backend.deliveries[0]?.session.secure, true);
});

test('implicit TLS: MAIL before AUTH is 530 5.7.0; a wrong password is 535 5.7.8', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'submission-tls', backend });
  const r = await python(port, [
    { op: 'ehlo' },
    { op: 'mail', from: 'alice@pec.example' },
    { op: 'login', method: 'PLAIN', user: 'alice', password: 'wrong' },
    { op: 'login', method: 'LOGIN', user: 'alice', password: 'wrong' },
    { op: 'login', method: 'PLAIN', user: 'alice', password: 'secret' },
  ], { ssl: true });
  assert.equal(r[1]?.code, 530);
  assert.match(r[1]?.message ?? '', /^5\.7\.0 /);
  assert.equal(r[2]?.code, 535);
  assert.match(r[2]?.message ?? '', /^5\.7\.8 /);
  assert.equal(r[3]?.code, 535);
  assert.equal(r[4]?.code, 235);
});

test('failed-login limiter: after 5 failures the right password is refused until the window passes', async (t) => {
  const backend = recordingBackend();
  const clock = new ManualClock('2025-01-01T00:00:00Z');
  const { port } = await startListener(t, { mode: 'submission-tls', backend, clock, authLimits: { maxFailures: 5, windowMs: 600_000 } });
  const wrong = Array.from({ length: 5 }, () => ({ op: 'login', user: 'alice', password: 'nope' }));
  const r = await python(port, [...wrong, { op: 'login', user: 'alice', password: 'secret' }], { ssl: true });
  assert.deepEqual(r.slice(0, 5).map((x) => x.code), [535, 535, 535, 535, 535]);
  assert.equal(r[5]?.code, 454);
  assert.match(r[5]?.message ?? '', /^4\.7\.0 Too many failed login attempts/);
  assert.equal(backend.logins.length, 5, 'the blocked attempt never reaches the backend');

  // Per user name: from another address the user is still blocked ...
  const other = await python(port, [{ op: 'login', user: 'alice', password: 'secret' }], { ssl: true, source: '127.0.0.2' });
  assert.equal(other[0]?.code, 454);
  // ... and per address: another user from the first address is blocked too.
  const bob = await python(port, [{ op: 'login', user: 'bob', password: 'hunter2' }], { ssl: true });
  assert.equal(bob[0]?.code, 454);
  // Bob from elsewhere is fine.
  const bob2 = await python(port, [{ op: 'login', user: 'bob', password: 'hunter2' }], { ssl: true, source: '127.0.0.2' });
  assert.equal(bob2[0]?.code, 235);

  clock.advance(600_001);
  const later = await python(port, [{ op: 'login', user: 'alice', password: 'secret' }], { ssl: true });
  assert.equal(later[0]?.code, 235);
});
