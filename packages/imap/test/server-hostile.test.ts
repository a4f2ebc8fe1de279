// Hostile input against a running IMAP server: huge and unterminated literals, 1 MB lines,
// invalid modified UTF-7, absurdly deep section paths, pipelined garbage. Every case gets a
// clear BAD (or NO) and the server keeps serving other connections with bounded memory.
import { strict as assert } from 'node:assert';
import { connect } from 'node:tls';
import { test, type TestContext } from 'node:test';
import { memoryBackend, memoryUser } from './memory-backend.ts';
import { startImap, tlsMaterial } from './server-helpers.ts';

const USER = 'utente@pec.example.test';
const PASS = 'Segreta.2026!';

/** Sends `input` after the greeting; collects all output until close or `waitMs`. */
function raw(port: number, input: Buffer | string | ((write: (b: Buffer | string) => void) => void), waitMs = 1500): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', ca: tlsMaterial().cert, checkServerIdentity: () => undefined });
    const chunks: Buffer[] = [];
    let sent = false;
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(finish, waitMs);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (sent) return;
      sent = true;
      if (typeof input === 'function') input((b) => sock.write(b));
      else sock.write(input);
    });
    sock.on('error', (e) => (chunks.length ? undefined : reject(e)));
    sock.on('close', () => {
      closed = true;
      finish();
    });
  });
}

async function server(t: TestContext): Promise<number> {
  return startImap(t, { backend: memoryBackend({ [USER]: memoryUser(PASS) }), maxMessageBytes: 1024 * 1024 });
}

const login = `a0 LOGIN ${USER} ${PASS}\r\n`;

test('a literal larger than the limit is refused before any byte is sent', async (t) => {
  const port = await server(t);
  const r = await raw(port, `${login}a1 APPEND INBOX {99999999}\r\n`);
  assert.match(r.text, /a1 NO \[TOOBIG\]/);
  const r2 = await raw(port, 'a1 LOGIN {99999999999}\r\n');
  assert.match(r2.text, /BAD/);
});

test('an unterminated literal followed by a hang-up leaves the server serving', async (t) => {
  const port = await server(t);
  const r = await raw(port, `${login}a1 APPEND INBOX {1000000+}\r\nFrom: x\r\n`, 500);
  assert.doesNotMatch(r.text, /a1 OK/);
  const again = await raw(port, `${login}a2 NOOP\r\n`);
  assert.match(again.text, /a2 OK/);
});

test('a 1 MB command line gets BAD and the session goes on', async (t) => {
  const port = await server(t);
  const r = await raw(port, `a1 NOOP ${'x'.repeat(1024 * 1024)}\r\na2 NOOP\r\n`, 3000);
  assert.match(r.text, /BAD/);
  assert.match(r.text, /a2 OK/);
});

test('invalid modified UTF-7 names and deep section paths get BAD', async (t) => {
  const port = await server(t);
  const deep = Array.from({ length: 200 }, () => '1').join('.');
  const r = await raw(port, `${login}a1 CREATE "&Jjo"\r\na2 SELECT "&AGEAYgBj-"\r\na3 SELECT INBOX\r\na4 FETCH 1:* (BODY[${deep}])\r\na5 FETCH 1 (BODY[1.2.3.4.5.6.7.8.9.10.11.12])\r\na6 NOOP\r\n`);
  assert.match(r.text, /a1 BAD/);
  assert.match(r.text, /a2 BAD/);
  assert.match(r.text, /a4 BAD/);
  assert.match(r.text, /a6 OK/);
});

test('pipelined garbage: each line answered, then BYE after too many, no crash', async (t) => {
  const port = await server(t);
  const garbage = Array.from({ length: 40 }, (_, i) => (i % 2 ? `x${i} FROB\r\n` : '\x00\x01\x02 ((((\r\n')).join('');
  const r = await raw(port, garbage, 2000);
  assert.ok((r.text.match(/BAD/g) ?? []).length >= 20, r.text);
  assert.match(r.text, /\* BYE/);
  assert.ok(r.closed);
  const again = await raw(port, `${login}a2 NOOP\r\n`);
  assert.match(again.text, /a2 OK/);
});

test('commands in the wrong state and unknown commands are BAD with a reason', async (t) => {
  const port = await server(t);
  const r = await raw(port, `a1 SELECT INBOX\r\na2 FETCH 1 FLAGS\r\n${login}a3 FETCH 1 FLAGS\r\na4 XYZZY\r\na5 SELECT INBOX\r\na6 FETCH 5 FLAGS\r\na7 SEARCH CHARSET KOI8-R TEXT x\r\n`);
  assert.match(r.text, /a1 BAD Log in first/);
  assert.match(r.text, /a2 BAD/);
  assert.match(r.text, /a3 BAD .*select a folder first/);
  assert.match(r.text, /a4 BAD/);
  assert.match(r.text, /a6 BAD Invalid message sequence number/);
  assert.match(r.text, /a7 NO \[BADCHARSET/);
});
