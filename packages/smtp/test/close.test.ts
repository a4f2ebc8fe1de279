// Graceful close: stop accepting, end idle sessions with 421, let a session in DATA finish (or
// cut it off after closeTimeoutMs), then resolve.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createSmtpListener } from '../src/index.ts';
import { recordingBackend, startListener, tlsMaterial } from './helpers.ts';

/** A line-oriented raw SMTP client. */
class RawClient {
  readonly socket: net.Socket;
  #buffer = '';
  #waiters: ((line: string) => void)[] = [];
  #lines: string[] = [];
  closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.closed = new Promise((r) => this.socket.on('close', () => r()));
    this.socket.on('data', (d: Buffer) => {
      this.#buffer += d.toString('latin1');
      let i;
      while ((i = this.#buffer.indexOf('\r\n')) >= 0) {
        const line = this.#buffer.slice(0, i);
        this.#buffer = this.#buffer.slice(i + 2);
        if (/^\d{3}-/.test(line)) continue; // keep only the last line of multiline replies
        const w = this.#waiters.shift();
        if (w) w(line);
        else this.#lines.push(line);
      }
    });
  }

  reply(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((r) => this.#waiters.push(r));
  }

  async cmd(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }
}

async function inDataClient(port: number): Promise<RawClient> {
  const c = new RawClient(port);
  assert.match(await c.reply(), /^220 /);
  assert.match(await c.cmd('EHLO client.example'), /^250 /);
  assert.match(await c.cmd('MAIL FROM:<a@a.example>'), /^250 /);
  assert.match(await c.cmd('RCPT TO:<b@pec.example>'), /^250 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  c.socket.write('Subject: first half\r\n\r\n');
  return c;
}

const refused = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => { s.destroy(); resolve(false); });
  s.on('error', () => resolve(true));
});

test('close() lets a client in DATA finish, ends idle sessions, refuses new ones', async (t) => {
  const backend = recordingBackend();
  const { listener, port } = await startListener(t, { mode: 'inbound', backend, closeTimeoutMs: 5000 });
  const busy = await inDataClient(port);
  const idle = new RawClient(port);
  assert.match(await idle.reply(), /^220 /);

  let closed = false;
  const closing = listener.close().then(() => { closed = true; });
  assert.match(await idle.reply(), /^421 4\.3\.2 /);
  await idle.closed;
  assert.equal(await refused(port), true);
  assert.equal(closed, false);

  busy.socket.write('second half\r\n.\r\n');
  assert.match(await busy.reply(), /^250 /);
  assert.match(await busy.reply(), /^421 /);
  await closing;
  assert.equal(backend.deliveries.length, 1);
  assert.equal(Buffer.from(backend.deliveries[0]!.message).toString(), 'Subject: first half\r\n\r\nsecond half\r\n');
});

test('close() cuts off a client that stalls in DATA after closeTimeoutMs', async (t) => {
  const backend = recordingBackend();
  const { listener, port } = await startListener(t, { mode: 'inbound', backend, closeTimeoutMs: 300 });
  const stalled = await inDataClient(port);
  const started = Date.now();
  await listener.close();
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
  await stalled.closed;
  assert.equal(backend.deliveries.length, 0);
});

test('listen() rejects on a port in use; close() works whether or not the listener ever listened', async (t) => {
  const { port } = await startListener(t, { mode: 'inbound', backend: recordingBackend() });
  const { key, cert } = tlsMaterial();
  const second = createSmtpListener({
    mode: 'submission-starttls', tls: { key, cert }, hostname: 'mx.test.example', maxMessageBytes: 1000, maxRecipients: 5,
    backend: recordingBackend(),
  });
  await assert.rejects(second.listen(port, '127.0.0.1'), /EADDRINUSE/);
  await second.close();
  const never = createSmtpListener({
    mode: 'inbound', tls: { key, cert }, hostname: 'mx.test.example', maxMessageBytes: 1000, maxRecipients: 5,
    backend: recordingBackend(),
  });
  await never.close();
  await never.close(); // idempotent
});

test('createSmtpListener validates its options', () => {
  const { key, cert } = tlsMaterial();
  const base = { tls: { key, cert }, hostname: 'mx.test.example', maxMessageBytes: 1000, maxRecipients: 5 };
  const { authenticate: _unused, ...noAuth } = recordingBackend();
  assert.throws(() => createSmtpListener({ ...base, mode: 'submission-tls', backend: noAuth }), /requires backend.authenticate/);
  assert.throws(() => createSmtpListener({ ...base, mode: 'inbound', backend: noAuth, maxMessageBytes: 0 }), /maxMessageBytes/);
  assert.throws(() => createSmtpListener({ ...base, mode: 'inbound', backend: noAuth, tls: { key: '', cert } }), /tls/);
});
