// The data-path IMAP session against hostile or broken servers, and its response reader on
// awkward chunking: literals split anywhere, zero-length literals, responses spanning literals.
// Every failure is a MigrateError with a code, never a crash or a hang.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { MigrateError, parseEndpoint, DataSession } from '../src/index.ts';
import { createHash } from 'node:crypto';
import { DigestSink } from '../src/imap/raw/digest-sink.ts';
import { ResponseReader, parseTagged, imapDate, type Digested, type RawResponse } from '../src/imap/raw/reader.ts';

test('reader: the same responses whatever the chunking, literals included', () => {
  const body = Buffer.from('From: a@b\r\n\r\n{5}\r\nnot a literal\r\n');
  const wire = Buffer.concat([Buffer.from(`* 1 FETCH (UID 7 BODY[] {${body.length}}\r\n`), body, Buffer.from(')\r\n* 2 FETCH (UID 8 BODY[] {0}\r\n)\r\nA1 OK done\r\n')]);
  const whole: RawResponse[] = [];
  new ResponseReader((r) => whole.push(r)).push(wire);
  assert.equal(whole.length, 3);
  assert.deepEqual(whole[0]!.literals[0], body);
  assert.equal((whole[1]!.literals[0] as Buffer).length, 0);
  for (const size of [1, 2, 3, 7, 13]) {
    const got: RawResponse[] = [];
    const reader = new ResponseReader((r) => got.push(r));
    for (let i = 0; i < wire.length; i += size) reader.push(wire.subarray(i, i + size));
    assert.deepEqual(got.map((r) => [r.lines, r.literals.map((l) => (l as Buffer).toString('latin1'))]), whole.map((r) => [r.lines, r.literals.map((l) => (l as Buffer).toString('latin1'))]), `chunks of ${size}`);
  }
});

test('reader: chunks are only borrowed (the socket reads into one reused buffer)', () => {
  const body = Buffer.from(`Subject: x\r\n\r\n${'corpo '.repeat(5000)}`);
  const wire = Buffer.concat([Buffer.from(`* 1 FETCH (UID 7 BODY[] {${body.length}}\r\n`), body, Buffer.from(')\r\nA1 OK done\r\n')]);
  const got: RawResponse[] = [];
  const reader = new ResponseReader((r) => got.push(r));
  const reused = Buffer.alloc(1000);
  for (let i = 0; i < wire.length; i += reused.length) {
    const n = wire.copy(reused, 0, i, i + reused.length);
    reader.push(reused.subarray(0, n));
    reused.fill(0x58); // what the next read would overwrite
  }
  assert.equal(got.length, 2);
  assert.deepEqual(got[0]!.literals[0], body);
  assert.equal(got[0]!.lines[1], ')');
});

test('reader: a literal announced huge but never sent costs only what arrives', () => {
  const got: RawResponse[] = [];
  const reader = new ResponseReader((r) => got.push(r));
  const before = process.memoryUsage().arrayBuffers;
  reader.push(Buffer.from('* 1 FETCH (UID 7 BODY[] {4000000000}\r\nabc'));
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'no buffer of the announced size');
  assert.equal(got.length, 0);
});

test('digest sink: sha256 and size as the bytes arrive, whole bytes only when the header asks', () => {
  const plain = Buffer.from(`From: a@b\r\nSubject: prova\r\n\r\n${'x'.repeat(200_000)}`);
  const pec = Buffer.from(`X-Trasporto: posta-certificata\r\nFrom: a@b\r\n\r\n${'y'.repeat(100_000)}`);
  const wire = Buffer.concat([Buffer.from(`* 1 FETCH (UID 1 BODY[] {${plain.length}}\r\n`), plain, Buffer.from(`)\r\n* 2 FETCH (UID 2 BODY[] {${pec.length}}\r\n`), pec, Buffer.from(')\r\n')]);
  const keep = (head: Buffer): boolean => /^x-trasporto:/im.test(head.toString('latin1'));
  for (const size of [7, 1000, 16384, wire.length]) {
    const got: RawResponse[] = [];
    const reader = new ResponseReader((r) => got.push(r), (n) => new DigestSink(n, keep));
    for (let i = 0; i < wire.length; i += size) reader.push(Buffer.from(wire.subarray(i, i + size)));
    const [a, b] = got.map((r) => r.literals[0] as Digested);
    assert.deepEqual({ ...a! }, { size: plain.length, sha256: createHash('sha256').update(plain).digest('hex'), whole: null }, `chunks of ${size}`);
    assert.equal(b!.sha256, createHash('sha256').update(pec).digest('hex'));
    assert.deepEqual(b!.whole, pec, `chunks of ${size}`);
  }
});

test('reader: a line over 1 MB is refused', () => {
  const reader = new ResponseReader(() => undefined);
  assert.throws(() => { for (let i = 0; i < 20; i++) reader.push(Buffer.alloc(64 * 1024, 0x41)); }, /exceeds/);
});

test('reader helpers: tagged answers with response codes, dates in RFC 3501 form', () => {
  assert.deepEqual(parseTagged('OK [APPENDUID 38505 3955:3960] APPEND completed'), { status: 'OK', code: 'APPENDUID', codeArgs: '38505 3955:3960', text: 'APPEND completed' });
  assert.deepEqual(parseTagged('NO [OVERQUOTA] Quota exceeded'), { status: 'NO', code: 'OVERQUOTA', codeArgs: '', text: 'Quota exceeded' });
  assert.equal(parseTagged('garbage').status, 'BAD');
  assert.equal(imapDate(new Date(Date.UTC(2020, 5, 1, 8, 5, 9))), '"01-Jun-2020 08:05:09 +0000"');
});

/** A fake IMAP server: `script` answers each client line. */
async function fakeServer(t: TestContext, greeting: string | null, script: (line: string, s: Socket) => void): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    if (greeting !== null) s.write(greeting);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) { const line = buf.slice(0, nl).replace(/\r$/, ''); buf = buf.slice(nl + 1); script(line, s); }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return (server.address() as { port: number }).port;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (err) { assert.ok(err instanceof MigrateError, String(err)); assert.doesNotMatch(err.message, /Segreta/); return err.code; }
  return 'resolved';
}

const open = (port: number, opts = {}) => DataSession.open(parseEndpoint(`imap://utente@127.0.0.1:${port}`), 'Segreta.1', { timeoutMs: 1000, idleTimeoutMs: 1000, ...opts });
const reply = (line: string, s: Socket, caps = 'IMAP4rev1 STARTTLS'): void => {
  const [tag, cmd] = line.split(' ');
  if (cmd === 'CAPABILITY') s.write(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`);
};

test('session: hostile and broken servers give coded errors', async (t) => {
  assert.equal(await codeOf(open(await fakeServer(t, null, () => undefined))), 'CONNECT_FAILED', 'no greeting');
  assert.equal(await codeOf(open(await fakeServer(t, '* BYE go away\r\n', () => undefined))), 'CONNECT_FAILED', 'BYE greeting');
  assert.equal(await codeOf(open(await fakeServer(t, '* OK hi\r\n', (l, s) => reply(l, s, 'IMAP4rev1')))), 'TLS_FAILED', 'no STARTTLS: no password in clear');
  const plainPort = await fakeServer(t, '* OK hi\r\n', (l, s) => {
    reply(l, s, 'IMAP4rev1');
    if (/ LOGIN /.test(l)) s.write(`${l.split(' ')[0]} NO [AUTHENTICATIONFAILED] nope\r\n`);
  });
  assert.equal(await codeOf(open(plainPort, { allowPlaintext: true })), 'AUTH_FAILED');
  const flood = await fakeServer(t, '* OK hi\r\n', (l, s) => {
    reply(l, s, 'IMAP4rev1');
    if (/ LOGIN /.test(l)) s.write(Buffer.alloc(2 * 1024 * 1024, 0x41));
  });
  assert.equal(await codeOf(open(flood, { allowPlaintext: true })), 'CONNECTION_LOST', 'a 2 MB line');
  const hang = await fakeServer(t, '* OK hi\r\n', (l, s) => { reply(l, s, 'IMAP4rev1'); });
  assert.equal(await codeOf(open(hang, { allowPlaintext: true })), 'CONNECTION_LOST', 'LOGIN never answered: the idle timeout');
});

test('data session: odd FETCH bodies: an empty body, a NIL body, a UID not asked for', async (t) => {
  const port = await fakeServer(t, '* OK hi\r\n', (l, s) => {
    reply(l, s, 'IMAP4rev1');
    const tag = l.split(' ')[0];
    if (/ LOGIN /.test(l)) s.write(`${tag} OK in\r\n`);
    else if (/ EXAMINE /.test(l)) s.write(`* 3 EXISTS\r\n* OK [UIDVALIDITY 9] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
    else if (/UID FETCH 7:8 /.test(l)) s.write(`* 1 FETCH (UID 7 BODY[] "")\r\n* 2 FETCH (UID 8 BODY[] {18}\r\nX-Trasporto: x\r\n\r\n)\r\n* 3 FETCH (UID 99 BODY[] {1}\r\nz)\r\n${tag} OK done\r\n`);
    else if (/UID FETCH 5 /.test(l)) s.write(`* 1 FETCH (UID 5 BODY[] NIL)\r\n${tag} OK done\r\n`);
  });
  const d = await open(port, { allowPlaintext: true });
  t.after(() => d.close());
  const pec = (head: Buffer): boolean => head.includes('X-Trasporto');
  const got = [];
  for await (const m of d.fetchDigests('INBOX', [7, 8], pec)) got.push([m.uid, m.digest.size, m.digest.whole?.toString('latin1') ?? null]);
  assert.deepEqual(got, [[7, 0, null], [8, 18, 'X-Trasporto: x\r\n\r\n']], 'an empty body is no PEC message; UID 99 was not asked for');
  const raw = [];
  for await (const m of d.fetchRawMany('INBOX', [7, 8])) raw.push([m.uid, Buffer.from(m.bytes).toString('latin1')]);
  assert.deepEqual(raw, [[7, ''], [8, 'X-Trasporto: x\r\n\r\n']]);
  assert.equal(await codeOf((async () => { for await (const m of d.fetchRawMany('INBOX', [5])) void m; })()), 'MESSAGE_NOT_FOUND', 'BODY[] NIL');
  const after = [];
  for await (const m of d.fetchRawMany('INBOX', [7, 8])) after.push(m.uid);
  assert.deepEqual(after, [7, 8], 'the refusal of one command leaves the session usable');
});
