// MULTIAPPEND (RFC 3502) on a running server: several messages in one APPEND are stored in
// order with their own flags and dates and one APPENDUID uid-set; a group that does not fit the
// quota is refused whole (NO [OVERQUOTA]) and stores nothing.
import { strict as assert } from 'node:assert';
import { connect } from 'node:tls';
import { test } from 'node:test';
import { memoryBackend, memoryUser } from './memory-backend.ts';
import { startImap, tlsMaterial } from './server-helpers.ts';

const USER = 'utente@pec.example.test';
const PASS = 'Segreta.2026!';

/** Logs in, sends `commands` one after the other, returns the whole transcript. */
function session(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', ca: tlsMaterial().cert, checkServerIdentity: () => undefined });
    let text = '';
    const queue = [`L LOGIN ${USER} ${PASS}\r\n`, ...commands, 'Z LOGOUT\r\n'];
    const tags = queue.map((c) => c.split(' ')[0]!);
    let next = 0;
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const waiting = next === 0 ? /^\* OK/m : new RegExp(`^${tags[next - 1]} (OK|NO|BAD)`, 'm');
      if (waiting.test(text) && next < queue.length) sock.write(queue[next++]!);
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(text));
  });
}

const msg = (n: number, size = 40): string => `Subject: ${n}\r\n\r\n${'x'.repeat(size)}\r\n`;
const lit = (s: string): string => `{${Buffer.byteLength(s)}+}\r\n${s}`;

test('MULTIAPPEND stores every message in order with one APPENDUID set; over quota stores none', async (t) => {
  const user = memoryUser(PASS, { quotaBytes: 1900 });
  const port = await startImap(t, { backend: memoryBackend({ [USER]: user }) });
  const three = `A APPEND INBOX (\\Seen) ${lit(msg(1))} ${lit(msg(2))} (\\Flagged $Label1) "01-Jun-2020 10:00:00 +0000" ${lit(msg(3))}\r\n`;
  const tooMuch = `B APPEND INBOX ${lit(msg(4, 900))} ${lit(msg(5, 900))}\r\n`;
  const check = 'C SELECT INBOX\r\n';
  const fetch = 'D UID FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE)\r\n';
  const text = await session(port, [three, tooMuch, check, fetch]);
  assert.match(text, /CAPABILITY [^\]]*\bMULTIAPPEND\b/, 'announced');
  assert.match(text, /^A OK \[APPENDUID \d+ 1:3\]/m);
  assert.match(text, /^B NO \[OVERQUOTA\]/m);
  assert.match(text, /^\* 3 EXISTS/m, 'the refused group left nothing behind');
  assert.match(text, /UID 1 .*FLAGS \(\\Seen\)/);
  assert.match(text, /UID 2 .*FLAGS \(\)/);
  assert.match(text, /UID 3 FLAGS \(\\Flagged \$Label1\) INTERNALDATE " 1-Jun-2020 10:00:00 \+0000"/);
});

test('a MULTIAPPEND over the command size limit gets NO [TOOBIG], stores nothing, and the session goes on', async (t) => {
  const port = await startImap(t, { backend: memoryBackend({ [USER]: memoryUser(PASS) }), maxMessageBytes: 1000 });
  // 400 messages of 700 bytes each fit the per-message limit, not the command limit (+256 KiB).
  const many = `A APPEND INBOX ${Array.from({ length: 400 }, (_, i) => lit(msg(i, 680))).join(' ')}\r\n`;
  const text = await session(port, [many, 'B NOOP\r\n', 'C STATUS INBOX (MESSAGES)\r\n']);
  assert.match(text, /^A NO \[TOOBIG\]/m);
  assert.match(text, /^B OK/m);
  assert.match(text, /^\* STATUS "?INBOX"? \(MESSAGES 0\)/m);
});
