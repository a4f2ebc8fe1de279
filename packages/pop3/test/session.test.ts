// The TRANSACTION state through Python's poplib over implicit TLS: STAT/LIST/UIDL/RETR/TOP,
// exact bytes (dot lines, 8-bit, no final CRLF, 20 MB), and STLS / AUTH PLAIN logins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b64, memoryBackend, python, sha256, startListener, trickyMessage, type Store } from './helpers.ts';

const login = [{ op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }];

function aliceStore(): Store {
  return new Map<string, Uint8Array>([
    ['uid-a', trickyMessage()],
    ['uid-b', Buffer.from('Subject: no final\r\n\r\nline one\r\nno CRLF at the end')],
    ['uid-c', Buffer.from('Subject: short\r\n\r\nbody\r\n')],
  ]);
}

test('POP3S: stat, list, uidl, retr and top with exact bytes', async (t) => {
  const store = aliceStore();
  const m = memoryBackend({ alice: { password: 'secret', store } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const sizes = [...store.values()].map((b) => b.length);
  const r = await python(port, [
    ...login,
    { op: 'capa' },
    { op: 'stat' },
    { op: 'list' },
    { op: 'list', which: 2 },
    { op: 'uidl' },
    { op: 'uidl', which: 3 },
    { op: 'retr', which: 1 },
    { op: 'retr', which: 2 },
    { op: 'top', which: 1, n: 1 },
    { op: 'top', which: 3, n: 0 },
    { op: 'noop' },
    { op: 'quit' },
  ]);
  assert.match(r[0]?.resp ?? '', /^\+OK pop\.test\.example/);
  assert.match(r[2]?.resp ?? '', /^\+OK maildrop has 3 messages/);
  assert.deepEqual(r[3]?.capa, ['AUTH-RESP-CODE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'TOP', 'UIDL']);
  assert.equal(r[4]?.count, 3);
  assert.equal(r[4]?.size, sizes.reduce((a, b) => a + b, 0));
  assert.deepEqual(r[5]?.lines, sizes.map((s, i) => `${i + 1} ${s}`));
  assert.equal(r[6]?.resp, `+OK 2 ${sizes[1]}`);
  assert.deepEqual(r[7]?.lines, ['1 uid-a', '2 uid-b', '3 uid-c']);
  assert.equal(r[8]?.resp, '+OK 3 uid-c');
  assert.equal(r[9]?.b64, b64(trickyMessage()));
  // A message without a final CRLF gets one before the terminator.
  assert.equal(r[10]?.b64, b64(Buffer.concat([store.get('uid-b') as Uint8Array, Buffer.from('\r\n')])));
  assert.equal(Buffer.from(r[11]?.b64 ?? '', 'base64').toString('latin1'),
    'From: a@pec.example\r\nSubject: punti\r\n\r\n.starts with a dot\r\n');
  assert.equal(Buffer.from(r[12]?.b64 ?? '', 'base64').toString(), 'Subject: short\r\n\r\n');
  assert.equal(r[13]?.resp, '+OK');
  assert.match(r[14]?.resp ?? '', /^\+OK/);
  assert.equal(m.releases, 1);
  assert.deepEqual(m.deletes, []);
});

test('a 20 MB message arrives byte for byte (sha256 computed in Python)', async (t) => {
  const line = Buffer.from('.Lorem ipsum dolor sit amet, àèìòù 0123456789 ................\r\n', 'utf8');
  const big = Buffer.alloc(20 * 1024 * 1024 - (20 * 1024 * 1024) % line.length);
  for (let i = 0; i < big.length; i += line.length) line.copy(big, i);
  const message = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), big]);
  const m = memoryBackend({ alice: { password: 'secret', store: new Map([['big', message]]) } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [...login, { op: 'retr', which: 1 }, { op: 'quit' }]);
  assert.equal(r[3]?.resp, `+OK ${message.length} octets`);
  assert.equal(r[3]?.length, message.length);
  assert.equal(r[3]?.sha256, sha256(message));
  console.log(`20 MB RETR sha256 (python) ${r[3]?.sha256}`);
});

test('UIDL is stable across sessions and after deletions', async (t) => {
  const m = memoryBackend({ alice: { password: 'secret', store: aliceStore() } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const a = await python(port, [...login, { op: 'uidl' }, { op: 'dele', which: 1 }, { op: 'quit' }]);
  const b = await python(port, [...login, { op: 'uidl' }, { op: 'quit' }]);
  assert.deepEqual(a[3]?.lines, ['1 uid-a', '2 uid-b', '3 uid-c']);
  assert.deepEqual(b[3]?.lines, ['1 uid-b', '2 uid-c']);
});

test('POP3 with STLS: CAPA before and after, then USER/PASS under TLS', async (t) => {
  const m = memoryBackend({ alice: { password: 'secret', store: aliceStore() } });
  const { port } = await startListener(t, { mode: 'pop3-stls', backend: m.backend });
  const r = await python(port, [
    { op: 'capa' },
    { op: 'stls' },
    { op: 'capa' },
    ...login,
    { op: 'stat' },
    { op: 'retr', which: 1 },
    { op: 'quit' },
  ], { ssl: false });
  assert.ok(r[1]?.capa?.includes('STLS'));
  assert.ok(!r[1]?.capa?.includes('USER'));
  assert.ok(!r[1]?.capa?.includes('SASL'));
  assert.match(r[2]?.resp ?? '', /^\+OK/);
  assert.ok(!r[3]?.capa?.includes('STLS'));
  assert.ok(r[3]?.capa?.includes('USER') && r[3]?.capa?.includes('SASL'));
  assert.match(r[5]?.resp ?? '', /^\+OK/);
  assert.equal(r[6]?.count, 3);
  assert.equal(r[7]?.b64, b64(trickyMessage()));
});

test('AUTH PLAIN with an initial response logs in; a wrong one is -ERR [AUTH]', async (t) => {
  const m = memoryBackend({ alice: { password: 'secret', store: aliceStore() } });
  const { port } = await startListener(t, { mode: 'pop3s', backend: m.backend });
  const r = await python(port, [
    { op: 'authplain', user: 'alice', password: 'wrong' },
    { op: 'cmd', line: 'AUTH PLAIN !!notbase64' },
    { op: 'cmd', line: 'AUTH CRAM-MD5' },
    { op: 'authplain', user: 'alice', password: 'secret' },
    { op: 'stat' },
    { op: 'quit' },
  ]);
  assert.match(r[1]?.error ?? '', /^-ERR \[AUTH\] credenziali non valide \/ invalid credentials/);
  assert.match(r[2]?.error ?? '', /^-ERR /);
  assert.match(r[3]?.error ?? '', /^-ERR /);
  assert.match(r[4]?.resp ?? '', /^\+OK maildrop has 3 messages/);
  assert.equal(r[5]?.count, 3);
});
