// Hostile input: over-long lines, binary noise, floods of unknown commands, bad message
// numbers and TOP counts. Each gets a clear -ERR or a close; the server keeps serving.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { memoryBackend, python, raw, startListener } from './helpers.ts';

const users = () => ({ alice: { password: 'secret', store: new Map([['u1', Buffer.from('Subject: s\r\n\r\nl1\r\nl2\r\n')]]) } });

async function stillServing(port: number): Promise<void> {
  const r = await python(port, [{ op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }, { op: 'stat' }, { op: 'quit' }]);
  assert.equal(r[3]?.count, 1);
}

test('a 1 MB line gets -ERR line too long and the session goes on', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3s', backend: memoryBackend(users()).backend });
  const r = await raw(port, `${'A'.repeat(1024 * 1024)}\r\nCAPA\r\nQUIT\r\n`);
  assert.match(r.text, /^\+OK .*\r\n-ERR riga troppo lunga \/ line too long\r\n\+OK Capability list follows\r\n/);
  assert.match(r.text, /\+OK bye/);
  assert.ok(r.closed);
  await stillServing(port);
});

test('repeated over-long lines close the connection', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3s', backend: memoryBackend(users()).backend });
  const r = await raw(port, `${'B'.repeat(300)}\r\n`.repeat(20));
  assert.equal(r.text.match(/line too long/g)?.length, 10);
  assert.match(r.text, /too many errors, closing\r\n$/);
  assert.ok(r.closed);
  await stillServing(port);
});

test('binary noise is answered with -ERR and the connection closed', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3s', backend: memoryBackend(users()).backend });
  const r = await raw(port, randomBytes(200_000));
  assert.match(r.text, /-ERR/);
  assert.ok(r.closed);
  assert.ok(r.text.length < 10_000);
  await stillServing(port);
});

test('1000 pipelined unknown commands: closed after 10, others unaffected', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3-stls', backend: memoryBackend(users()).backend });
  const [r] = await Promise.all([raw(port, 'XYZZY now\r\n'.repeat(1000), { tls: false }), stillServingStls(port)]);
  assert.equal(r.text.match(/comando sconosciuto \/ unknown command/g)?.length, 10);
  assert.match(r.text, /too many errors/);
  assert.ok(r.closed);
});

async function stillServingStls(port: number): Promise<void> {
  const r = await python(port, [{ op: 'stls' }, { op: 'user', user: 'alice' }, { op: 'pass', password: 'secret' }, { op: 'stat' }], { ssl: false });
  assert.equal(r[4]?.count, 1);
}

test('wrong-state commands and bad arguments get -ERR', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3s', backend: memoryBackend(users()).backend });
  const r = await python(port, [
    { op: 'cmd', line: 'RETR 1' },
    { op: 'user', user: 'alice' },
    { op: 'pass', password: 'secret' },
    { op: 'cmd', line: 'USER alice' },
    { op: 'dele', which: 0 },
    { op: 'dele', which: 2 },
    { op: 'dele', which: '99999999999999999999' },
    { op: 'dele', which: '-1' },
    { op: 'cmd', line: 'TOP 1 -1' },
    { op: 'cmd', line: 'TOP 1' },
    { op: 'top', which: 1, n: '99999999999999999999999' },
    { op: 'top', which: 7, n: 1 },
    { op: 'list', which: 'abc' },
    { op: 'stat' },
  ]);
  assert.match(r[1]?.error ?? '', /^-ERR comando non valido in questo stato/);
  assert.match(r[4]?.error ?? '', /^-ERR comando non valido in questo stato/);
  assert.match(r[5]?.error ?? '', /^-ERR messaggio inesistente \/ no such message/);
  assert.match(r[6]?.error ?? '', /^-ERR messaggio inesistente/);
  assert.match(r[7]?.error ?? '', /^-ERR errore di sintassi/);
  assert.match(r[8]?.error ?? '', /^-ERR errore di sintassi/);
  assert.match(r[9]?.error ?? '', /^-ERR errore di sintassi/);
  assert.match(r[10]?.error ?? '', /^-ERR errore di sintassi/);
  assert.equal(Buffer.from(r[11]?.b64 ?? '', 'base64').toString(), 'Subject: s\r\n\r\nl1\r\nl2\r\n');
  assert.match(r[12]?.error ?? '', /^-ERR messaggio inesistente/);
  assert.match(r[13]?.error ?? '', /^-ERR errore di sintassi/);
  assert.equal(r[14]?.count, 1);
});

test('too many clients get -ERR [SYS/TEMP]; AUTH PLAIN continuation and cancel work', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3s', backend: memoryBackend(users()).backend, maxClients: 1 });
  const token = Buffer.from('\0alice\0secret').toString('base64');
  const held = raw(port, `AUTH PLAIN\r\n*\r\nAUTH PLAIN\r\n${token}\r\nSTAT\r\n`, { waitMs: 800 });
  await new Promise((res) => setTimeout(res, 300));
  const refused = await raw(port, 'CAPA\r\n');
  assert.match(refused.text, /^-ERR \[SYS\/TEMP\] troppe connessioni/);
  const r = await held;
  assert.match(r.text, /\+ \r\n-ERR autenticazione annullata .*\r\n\+ \r\n\+OK maildrop has 1 messages .*\r\n\+OK 1 22\r\n$/);
});

test('plaintext pipelined after STLS is discarded; a stalled handshake times out', async (t) => {
  const { port } = await startListener(t, { mode: 'pop3-stls', backend: memoryBackend(users()).backend, socketTimeoutMs: 500 });
  const r = await raw(port, 'STLS\r\nUSER alice\r\nnot a TLS client hello\r\n', { tls: false, waitMs: 3000 });
  assert.match(r.text, /^\+OK .*\r\n\+OK begin TLS negotiation/);
  assert.doesNotMatch(r.text, /send PASS/);
  assert.ok(r.closed);
  await stillServingStls(port);
});
