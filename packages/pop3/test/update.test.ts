// The UPDATE state (RFC 1939 §6): deletions only at QUIT, RSET undoes them, a dropped
// connection deletes nothing, a read-only maildrop refuses DELE while reading works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from 'node:tls';
import { createPop3Listener } from '../src/index.ts';
import { memoryBackend, python, raw, startListener, tlsMaterial, type Store } from './helpers.ts';

const login = [{ op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }];

const store = (): Store => new Map<string, Uint8Array>([
  ['u1', Buffer.from('Subject: 1\r\n\r\none\r\n')],
  ['u2', Buffer.from('Subject: 2\r\n\r\ntwo\r\n')],
  ['u3', Buffer.from('Subject: 3\r\n\r\nthree\r\n')],
]);

test('DELE marks; the backend deletes once, at QUIT; marked messages are hidden meanwhile', async (t) => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [
    ...login,
    { op: 'dele', which: 1 },
    { op: 'dele', which: 3 },
    { op: 'dele', which: 1 },
    { op: 'retr', which: 1 },
    { op: 'stat' },
    { op: 'list' },
    { op: 'quit' },
  ]);
  assert.match(r[3]?.resp ?? '', /^\+OK/);
  assert.match(r[5]?.error ?? '', /^-ERR .*already deleted/);
  assert.match(r[6]?.error ?? '', /^-ERR .*already deleted/);
  assert.equal(r[7]?.count, 1);
  assert.deepEqual(r[8]?.lines, [`2 ${s.get('u2')?.length}`]);
  assert.deepEqual(m.deletes, [['u1', 'u3']]);
  assert.deepEqual([...s.keys()], ['u2']);
});

test('RSET restores every marked message and nothing is deleted', async (t) => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [
    ...login, { op: 'dele', which: 1 }, { op: 'dele', which: 2 }, { op: 'rset' }, { op: 'stat' }, { op: 'quit' },
  ]);
  assert.match(r[5]?.resp ?? '', /^\+OK maildrop has 3 messages/);
  assert.equal(r[6]?.count, 3);
  assert.deepEqual(m.deletes, []);
  assert.equal(s.size, 3);
});

test('a connection dropped without QUIT deletes nothing and releases the maildrop', async (t) => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [...login, { op: 'dele', which: 1 }, { op: 'dele', which: 2 }, { op: 'drop' }]);
  assert.match(r[4]?.resp ?? '', /^\+OK/);
  for (let i = 0; i < 50 && m.releases === 0; i++) await new Promise((res) => setTimeout(res, 20));
  assert.equal(m.releases, 1);
  assert.deepEqual(m.deletes, []);
  assert.equal(s.size, 3);
});

test('a read-only maildrop refuses DELE with [SYS/PERM] while RETR works', async (t) => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s, readOnly: true } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [...login, { op: 'dele', which: 1 }, { op: 'retr', which: 1 }, { op: 'quit' }]);
  assert.match(r[3]?.error ?? '', /^-ERR \[SYS\/PERM\] /);
  assert.equal(Buffer.from(r[4]?.b64 ?? '', 'base64').toString(), 'Subject: 1\r\n\r\none\r\n');
  assert.deepEqual(m.deletes, []);
});

test('an idle session times out with -ERR and deletes nothing', async (t) => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend, socketTimeoutMs: 300 });
  const r = await raw(port, 'USER alice\r\nPASS secret\r\nDELE 1\r\n', { waitMs: 3000 });
  assert.match(r.text, /\+OK message 1 deleted\r\n-ERR tempo scaduto \/ idle timeout\r\n$/);
  assert.ok(r.closed);
  for (let i = 0; i < 50 && m.releases === 0; i++) await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(m.deletes, []);
  assert.equal(m.releases, 1);
});

test('closing the listener ends open sessions, releases maildrops and deletes nothing', async () => {
  const s = store();
  const m = memoryBackend({ alice: { password: 'secret', store: s } });
  const { key, cert } = tlsMaterial();
  const listener = createPop3Listener({ mode: 'pop3s', tls: { key, cert }, hostname: 'pop.test.example', backend: m.backend });
  const { port } = await listener.listen(0, '127.0.0.1');
  const sock = connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost' });
  let seen = '';
  let sent = false;
  sock.on('error', () => undefined);
  sock.on('data', (d: Buffer) => {
    seen += d.toString();
    if (!sent && seen.startsWith('+OK')) {
      sent = true;
      sock.write('USER alice\r\nPASS secret\r\nDELE 1\r\n');
    }
  });
  const closed = new Promise((res) => sock.on('close', res));
  for (let i = 0; i < 100 && !seen.includes('deleted'); i++) await new Promise((res) => setTimeout(res, 20));
  assert.match(seen, /message 1 deleted/);
  await listener.close();
  await closed;
  assert.match(seen, /-ERR \[SYS\/TEMP\] server in chiusura/);
  assert.equal(m.releases, 1);
  assert.deepEqual(m.deletes, []);
});
