// The outbound client against our own inbound listener and against bare servers: exact bytes,
// per-recipient refusals, TLS requirements, SIZE, connection failures and timeouts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { SmtpSendError, sendMessage } from '../src/index.ts';
import { recordingBackend, refusal, startListener, tlsMaterial, trickyMessage } from './helpers.ts';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const tlsOpts = () => ({ ca: [tlsMaterial().cert] });
const route = (port: number) => ({ host: '127.0.0.1', port });

/** Splits bytes into chunks at awkward places (mid-CRLF, right before a dot). */
function awkwardChunks(bytes: Uint8Array): Uint8Array[] {
  const cuts = [1, 7, bytes.indexOf(0x2e), bytes.indexOf(0x0a) , 200].filter((c) => c > 0 && c < bytes.length);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

async function rejects(p: Promise<unknown>, code: string): Promise<SmtpSendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SmtpSendError, `not an SmtpSendError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** A bare smtp-server without STARTTLS (and without AUTH). */
async function plainServer(t: TestContext): Promise<{ port: number; got: Buffer[] }> {
  const got: Buffer[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], logger: false, disableReverseLookup: true,
    onData(stream, _s, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => { got.push(Buffer.concat(parts)); cb(); });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(r)));
  return { port: (server.server.address() as net.AddressInfo).port, got };
}

test('delivers the exact bytes over STARTTLS (requireTls, verified certificate)', async (t) => {
  const backend = recordingBackend();
  const { port } = await startListener(t, { mode: 'inbound', backend });
  const message = trickyMessage();
  const result = await sendMessage(route(port), {
    mailFrom: 'posta-certificata@a.example', rcptTo: ['bob@pec.example', 'carol@pec.example'], chunks: awkwardChunks(message),
  }, { name: 'mx.a.example', requireTls: true, tls: tlsOpts(), timeoutMs: 5000 });
  assert.deepEqual(result, { accepted: ['bob@pec.example', 'carol@pec.example'], rejected: [] });
  const d = backend.deliveries[0]!;
  assert.equal(sha256(d.message), sha256(message));
  assert.equal(d.session.secure, true);
  assert.deepEqual(d.envelope, { mailFrom: 'posta-certificata@a.example', rcptTo: ['bob@pec.example', 'carol@pec.example'] });
});

test('per-recipient refusals are reported with permanent / transient', async (t) => {
  const backend = recordingBackend({
    async rcptTo(address) {
      if (address === 'gone@pec.example') return refusal(550, '5.1.1', 'No such user');
      if (address === 'full@pec.example') return refusal(452, '4.2.2', 'Mailbox full');
      return undefined;
    },
  });
  const { port } = await startListener(t, { mode: 'inbound', backend });
  const result = await sendMessage(route(port), {
    mailFrom: 'a@a.example', rcptTo: ['gone@pec.example', 'bob@pec.example', 'full@pec.example'], chunks: [trickyMessage()],
  }, { name: 'mx.a.example', requireTls: true, tls: tlsOpts(), timeoutMs: 5000 });
  assert.deepEqual(result.accepted, ['bob@pec.example']);
  assert.deepEqual(result.rejected, [
    { rcpt: 'gone@pec.example', code: 550, message: '5.1.1 No such user', permanent: true },
    { rcpt: 'full@pec.example', code: 452, message: '4.2.2 Mailbox full', permanent: false },
  ]);
  assert.deepEqual(backend.deliveries[0]?.envelope.rcptTo, ['bob@pec.example']);

  // Nobody accepted: nothing delivered, so it throws, with the refusals attached.
  const err = await rejects(sendMessage(route(port), {
    mailFrom: 'a@a.example', rcptTo: ['gone@pec.example', 'full@pec.example'], chunks: [trickyMessage()],
  }, { name: 'mx.a.example', requireTls: true, tls: tlsOpts(), timeoutMs: 5000 }), 'SMTP_REJECTED');
  assert.equal(err.transient, true);
  assert.equal(err.rejected?.length, 2);
});

test('MAIL FROM or DATA refused: SMTP_REJECTED with the server reply', async (t) => {
  const backend = recordingBackend({
    async mailFrom(address) { return address.startsWith('bad') ? refusal(550, '5.7.1', 'Go away') : undefined; },
    async data() { return refusal(451, '4.3.0', 'Try later'); },
  });
  const { port } = await startListener(t, { mode: 'inbound', backend });
  const msg = (from: string) => ({ mailFrom: from, rcptTo: ['bob@pec.example'], chunks: [trickyMessage()] });
  const opts = { name: 'mx.a.example', requireTls: false, timeoutMs: 5000 };
  const mail = await rejects(sendMessage(route(port), msg('bad@a.example'), opts), 'SMTP_REJECTED');
  assert.equal(mail.transient, false);
  assert.deepEqual(mail.reply, { code: 550, message: '5.7.1 Go away' });
  const data = await rejects(sendMessage(route(port), msg('ok@a.example'), opts), 'SMTP_REJECTED');
  assert.equal(data.transient, true);
  assert.deepEqual(data.reply, { code: 451, message: '4.3.0 Try later' });
});

test('requireTls against a server without STARTTLS: SMTP_TLS_REQUIRED; without requireTls it is delivered', async (t) => {
  const { port, got } = await plainServer(t);
  const message = trickyMessage();
  const m = { mailFrom: 'a@a.example', rcptTo: ['b@b.example'], chunks: [message] };
  const err = await rejects(sendMessage(route(port), m, { name: 'mx.a.example', requireTls: true, timeoutMs: 5000 }), 'SMTP_TLS_REQUIRED');
  assert.equal(err.transient, true);
  assert.equal(got.length, 0);
  const ok = await sendMessage(route(port), m, { name: 'mx.a.example', requireTls: false, timeoutMs: 5000 });
  assert.deepEqual(ok.accepted, ['b@b.example']);
  assert.equal(sha256(got[0]!), sha256(message));
});

test('an untrusted certificate with requireTls: SMTP_TLS_FAILED', async (t) => {
  const { port } = await startListener(t, { mode: 'inbound', backend: recordingBackend() });
  const m = { mailFrom: 'a@a.example', rcptTo: ['b@pec.example'], chunks: [trickyMessage()] };
  const err = await rejects(sendMessage(route(port), m, { name: 'mx.a.example', requireTls: true, timeoutMs: 5000 }), 'SMTP_TLS_FAILED');
  assert.equal(err.transient, true);
});

test("the server's SIZE is respected: SMTP_TOO_LARGE before MAIL FROM", async (t) => {
  const backend = recordingBackend();
  let mails = 0;
  backend.mailFrom = async () => { mails++; return undefined; };
  const { port } = await startListener(t, { mode: 'inbound', backend, maxMessageBytes: 100 });
  const m = { mailFrom: 'a@a.example', rcptTo: ['b@pec.example'], chunks: [trickyMessage()] };
  const err = await rejects(sendMessage(route(port), m, { name: 'mx.a.example', requireTls: true, tls: tlsOpts(), timeoutMs: 5000 }), 'SMTP_TOO_LARGE');
  assert.equal(err.transient, false);
  assert.equal(mails, 0);
});

test('connection refused: SMTP_CONNECT, transient', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const m = { mailFrom: 'a@a.example', rcptTo: ['b@b.example'], chunks: [trickyMessage()] };
  const err = await rejects(sendMessage(route(port), m, { name: 'mx.a.example', requireTls: true, timeoutMs: 2000 }), 'SMTP_CONNECT');
  assert.equal(err.transient, true);
});

test('a server that never answers: SMTP_TIMEOUT within the timeout', async (t) => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); silent.close(); });
  const port = (silent.address() as net.AddressInfo).port;
  const m = { mailFrom: 'a@a.example', rcptTo: ['b@b.example'], chunks: [trickyMessage()] };
  const started = Date.now();
  const err = await rejects(sendMessage(route(port), m, { name: 'mx.a.example', requireTls: true, timeoutMs: 400 }), 'SMTP_TIMEOUT');
  const elapsed = Date.now() - started;
  assert.equal(err.transient, true);
  assert.ok(elapsed >= 350 && elapsed < 2000, `took ${elapsed} ms`);
});
