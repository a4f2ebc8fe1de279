// Logins: no credentials before STLS, -ERR [AUTH] on a wrong password, and the failure
// limiter (per user and per address) driven by an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '@recapito/core';
import { memoryBackend, python, raw, startListener } from './helpers.ts';

const users = () => ({ alice: { password: 'secret', store: new Map([['u1', Buffer.from('x\r\n')]]) } });

test('before STLS, USER, PASS and AUTH are refused with [AUTH] and never reach the backend', async (t) => {
  const m = memoryBackend(users());
  const { port } = await startListener(t, { mode: 'pop3-stls', backend: m.backend });
  const r = await python(port, [
    { op: 'user', user: 'alice' },
    { op: 'cmd', line: 'PASS secret' },
    { op: 'authplain', user: 'alice', password: 'secret' },
    { op: 'stat' },
  ], { ssl: false });
  for (const i of [1, 2, 3]) assert.match(r[i]?.error ?? '', /^-ERR \[AUTH\] usare STLS .* use STLS/);
  assert.match(r[4]?.error ?? '', /^-ERR /);
  assert.equal(m.failures, 0);
});

test('STLS twice, or in TRANSACTION, is refused', async (t) => {
  const m = memoryBackend(users());
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [{ op: 'cmd', line: 'STLS' }, { op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }, { op: 'cmd', line: 'STLS' }]);
  assert.match(r[1]?.error ?? '', /^-ERR TLS/);
  assert.match(r[4]?.error ?? '', /^-ERR /);
});

test('a wrong password is -ERR [AUTH]; PASS without USER is refused', async (t) => {
  const m = memoryBackend(users());
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [
    { op: 'cmd', line: 'PASS secret' },
    { op: 'user', user: 'alice' },
    { op: 'pass', password: 'nope' },
    { op: 'cmd', line: 'PASS secret' },
  ]);
  assert.match(r[1]?.error ?? '', /^-ERR .*USER/);
  assert.equal(r[3]?.error, '-ERR [AUTH] credenziali non valide / invalid credentials');
  // RFC 1939 §7: after a failed PASS the client starts again with USER.
  assert.match(r[4]?.error ?? '', /^-ERR .*USER/);
});

test('after 5 failures the right password is refused until the window passes', async (t) => {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const m = memoryBackend(users());
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend, clock, authLimits: { maxFailures: 5, windowMs: 60_000 } });
  const wrong = Array.from({ length: 5 }, () => [{ op: 'user', user: 'alice' }, { op: 'pass', password: 'bad' }]).flat();
  const r = await python(port, [...wrong, { op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }]);
  assert.match(r[10]?.error ?? '', /^-ERR \[AUTH\] credenziali/);
  assert.match(r[12]?.error ?? '', /^-ERR \[AUTH\] troppi tentativi .* too many failed attempts/);
  assert.equal(m.failures, 5);
  // The same address is blocked for other users too.
  const other = await raw(port, 'USER bob\r\nPASS x\r\nQUIT\r\n');
  assert.match(other.text, /-ERR \[AUTH\] troppi tentativi/);
  clock.advance(61_000);
  const after = await python(port, [{ op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }, { op: 'quit' }]);
  assert.match(after[2]?.resp ?? '', /^\+OK maildrop has 1 messages/);
});

test('backend failures become [SYS/TEMP] and [IN-USE] with their texts', async (t) => {
  let calls = 0;
  const { port } = await startListener(t, {
    mode: 'pop3s',
    backend: {
      async authenticate() {
        calls++;
        if (calls === 1) throw new Error('database down');
        return { ok: false, code: 'IN-USE', message: 'locked by another session\r\nX' };
      },
    },
  });
  const r = await python(port, [{ op: 'user', user: 'a' }, { op: 'pass', password: 'b' }, { op: 'user', user: 'a' }, { op: 'pass', password: 'b' }]);
  assert.match(r[2]?.error ?? '', /^-ERR \[SYS\/TEMP\] errore temporaneo .* temporary server error/);
  assert.match(r[4]?.error ?? '', /^-ERR \[IN-USE\] .*: locked by another session X$/);
});
