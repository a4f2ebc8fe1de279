// Test support: a self-signed TLS certificate, a recording backend, listeners on 127.0.0.1
// port 0, and the Python smtplib driver (an independent SMTP client).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { createSmtpListener } from '../src/index.ts';
import type { SmtpBackend, SmtpListener, SmtpListenerOptions, SmtpReply, SmtpSession } from '../src/index.ts';

export interface TlsMaterial { key: string; cert: string; certPath: string }

let material: TlsMaterial | undefined;

/** A self-signed certificate for localhost / 127.0.0.1, made once per test file. */
export function tlsMaterial(): TlsMaterial {
  if (material) return material;
  const dir = mkdtempSync(join(tmpdir(), 'smtp-test-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '2',
    '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  material = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  return material;
}

export interface Delivery {
  message: Uint8Array;
  envelope: { mailFrom: string; rcptTo: string[] };
  session: SmtpSession;
}

/** A backend with one user (alice / secret) that records what it receives; calls overridable. */
export function recordingBackend(overrides: Partial<SmtpBackend> = {}): SmtpBackend & { deliveries: Delivery[]; logins: string[] } {
  const deliveries: Delivery[] = [];
  const logins: string[] = [];
  return {
    deliveries,
    logins,
    async authenticate(username, password) {
      logins.push(username);
      const users: Record<string, string> = { alice: 'secret', bob: 'hunter2' };
      if (users[username] !== undefined && users[username] === password) return { ok: true, user: username };
      return { ok: false, reply: { code: 535, enhanced: '5.7.8', message: 'Authentication credentials invalid' } };
    },
    async mailFrom() { return undefined; },
    async rcptTo() { return undefined; },
    async data(message, envelope, session) {
      deliveries.push({ message, envelope, session });
      return undefined;
    },
    ...overrides,
  };
}

/** A logger that keeps its entries. */
export function memoryLogger(): { entries: { level: string; obj: Record<string, unknown>; msg: string }[]; info: (o: Record<string, unknown>, m: string) => void; warn: (o: Record<string, unknown>, m: string) => void } {
  const entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
  };
}

/** Creates and starts a listener on 127.0.0.1 (port 0); closed after the test. */
export async function startListener(
  t: TestContext,
  opts: Partial<SmtpListenerOptions> & Pick<SmtpListenerOptions, 'mode' | 'backend'>,
): Promise<{ listener: SmtpListener; port: number }> {
  const { key, cert } = tlsMaterial();
  const listener = createSmtpListener({
    tls: { key, cert }, hostname: 'mx.test.example', maxMessageBytes: 64 * 1024, maxRecipients: 5,
    socketTimeoutMs: 10_000, maxClients: 20, closeTimeoutMs: 2_000, ...opts,
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.after(() => listener.close());
  return { listener, port };
}

export interface StepResult { op: string; code?: number; message?: string; features?: Record<string, string>; error?: string }

/**
 * Runs a Python client driver (an independent client: smtplib, poplib, imaplib) with a JSON
 * scenario on stdin; resolves with its JSON output. Shared by the listeners' tests.
 */
export function runDriver<T>(script: string, scenario: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`bad driver output: ${out} ${err}`));
      }
    });
    child.stdin.end(JSON.stringify(scenario));
  });
}

/** Runs a scenario through Python's smtplib (see smtp_driver.py). */
export function python(port: number, steps: unknown[], opts: { ssl?: boolean; source?: string } = {}): Promise<StepResult[]> {
  const scenario = { host: '127.0.0.1', port, ssl: opts.ssl ?? false, cafile: tlsMaterial().certPath, source: opts.source, steps };
  return runDriver(fileURLToPath(new URL('./smtp_driver.py', import.meta.url)), scenario);
}

/** base64 of bytes, for the driver. */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A refusal reply. */
export const refusal = (code: number, enhanced: string, message: string): SmtpReply => ({ code, enhanced, message });

/**
 * A message exercising transparency and 8-bit content: lines starting with one and two dots,
 * a line that is a single dot, UTF-8 and Latin-1 bytes, CRLF throughout.
 */
export function trickyMessage(): Uint8Array {
  const head = Buffer.from(
    'From: alice@pec.example\r\nTo: bob@pec.example\r\nSubject: test\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    'Content-Transfer-Encoding: 8bit\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nperch\u00e9 citt\u00e0 \u20ac\r\n', 'utf8');
  const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x2e, 0x2e, 0x2e, 0x0d, 0x0a]);
  return new Uint8Array(Buffer.concat([head, latin1, Buffer.from('end\r\n')]));
}
