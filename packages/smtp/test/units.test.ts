// Pure parts: reply normalisation, server reply parsing, the failed-login limiter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@recapito/core';
import { AuthFailureLimiter, SMTP_ERRORS, SMTP_REPLIES, normalizeReply } from '../src/index.ts';
import { parseServerReply } from '../src/client-errors.ts';

test('normalizeReply keeps good replies and repairs or rejects bad ones', () => {
  assert.deepEqual(normalizeReply({ code: 550, enhanced: '5.7.1', message: 'Relay denied' }), { code: 550, enhanced: '5.7.1', message: 'Relay denied' });
  assert.deepEqual(normalizeReply({ code: 450, enhanced: '5.2.1', message: 'x' })?.enhanced, '4.2.1');
  assert.deepEqual(normalizeReply({ code: 554, enhanced: 'garbage', message: 'x' })?.enhanced, '5.0.0');
  assert.equal(normalizeReply({ code: 550, enhanced: '5.1.1', message: 'a\r\n250 ok' })?.message, 'a 250 ok');
  assert.equal(normalizeReply({ code: 550, enhanced: '5.1.1', message: 'x'.repeat(2000) })?.message.length, 400);
  assert.equal(normalizeReply({ code: 250, enhanced: '2.0.0', message: 'ok' }), undefined);
  assert.equal(normalizeReply({ code: 600, enhanced: '5.0.0', message: 'x' }), undefined);
});

test('the reply table is consistent: reply class = enhanced class', () => {
  for (const [name, r] of Object.entries(SMTP_REPLIES)) {
    assert.equal(String(r.code)[0], r.enhanced[0], name);
    assert.deepEqual(normalizeReply(r), r, name);
  }
  for (const [code, text] of Object.entries(SMTP_ERRORS)) assert.match(`${code} ${text}`, /^SMTP_[A-Z_]+ [A-Z].*\.$/);
});

test('parseServerReply handles single and multiline replies', () => {
  assert.deepEqual(parseServerReply('550 5.1.1 No such user'), { code: 550, message: '5.1.1 No such user' });
  assert.deepEqual(parseServerReply('452-4.2.2 Mailbox\n452 4.2.2 full'), { code: 452, message: '4.2.2 Mailbox full' });
  assert.equal(parseServerReply('hello'), undefined);
});

test('AuthFailureLimiter: per user and per address, sliding window, bounded memory', () => {
  const clock = new ManualClock(0);
  const limiter = new AuthFailureLimiter({ maxFailures: 3, windowMs: 1000 }, clock, 4);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.blocked('Alice', '192.0.2.1'), undefined);
    limiter.recordFailure('Alice', `192.0.2.${10 + i}`);
    clock.advance(100);
  }
  assert.equal(limiter.blocked('alice', '192.0.2.1'), 'user');
  assert.equal(limiter.blocked('bob', '192.0.2.10'), undefined);
  // The first failure leaves the window at t = 1000 (it was at t = 0).
  clock.set(1001);
  assert.equal(limiter.blocked('alice', '192.0.2.1'), undefined);

  for (let i = 0; i < 3; i++) limiter.recordFailure(`user${i}`, '198.51.100.1');
  assert.equal(limiter.blocked('carol', '198.51.100.1'), 'address');
  // Many distinct keys: the table stays within its bound, the newest keys survive.
  for (let i = 0; i < 10; i++) limiter.recordFailure(`spray${i}`, '203.0.113.1');
  assert.equal(limiter.blocked('carol', '203.0.113.1'), 'address');
  assert.throws(() => new AuthFailureLimiter({ maxFailures: 0 }));
});
