// Test support: a self-signed certificate, an in-memory maildrop backend, listeners on
// 127.0.0.1 port 0, the Python poplib driver (an independent client) and a raw socket client.
import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { createPop3Listener } from '../src/index.ts';
import type { Pop3Backend, Pop3ListenerOptions, Pop3Maildrop } from '../src/index.ts';

// The same self-signed certificate helper as the SMTP listener's tests.
import { runDriver, tlsMaterial } from '../../smtp/test/helpers.ts';
export { tlsMaterial };
export type { TlsMaterial } from '../../smtp/test/helpers.ts';

/** One user's stored messages, in order, by uid. */
export type Store = Map<string, Uint8Array>;

/** In-memory backend: users with passwords and maildrops; records deletes and releases. */
export function memoryBackend(users: Record<string, { password: string; store: Store; readOnly?: boolean }>) {
  const deletes: string[][] = [];
  let releases = 0;
  let failures = 0;
  const backend: Pop3Backend = {
    async authenticate(user, password) {
      const u = users[user];
      if (!u || u.password !== password) {
        failures++;
        return { ok: false, code: 'AUTH', message: 'bad password' };
      }
      const maildrop: Pop3Maildrop = {
        readOnly: u.readOnly ?? false,
        async list() { return [...u.store].map(([uid, bytes]) => ({ uid, size: bytes.length })); },
        async retrieve(uid) {
          const b = u.store.get(uid);
          if (!b) throw new Error('gone');
          return b;
        },
        async delete(uids) {
          deletes.push([...uids]);
          for (const uid of uids) u.store.delete(uid);
        },
        async release() { releases++; },
      };
      return { ok: true, maildrop };
    },
  };
  return {
    backend,
    deletes,
    get releases() { return releases; },
    get failures() { return failures; },
  };
}

/** Creates and starts a listener on 127.0.0.1 (port 0); closed after the test. */
export async function startListener(
  t: TestContext,
  opts: Partial<Pop3ListenerOptions> & Pick<Pop3ListenerOptions, 'mode' | 'backend'>,
): Promise<{ port: number }> {
  const { key, cert } = tlsMaterial();
  const listener = createPop3Listener({ tls: { key, cert }, hostname: 'pop.test.example', socketTimeoutMs: 10_000, ...opts });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.after(() => listener.close());
  return { port };
}

export interface StepResult {
  op: string; resp?: string; error?: string; count?: number; size?: number; lines?: string[];
  capa?: string[]; sha256?: string; length?: number; b64?: string;
}

/** Runs a scenario through Python's poplib (see pop3_driver.py). */
export function python(port: number, steps: unknown[], opts: { ssl?: boolean } = {}): Promise<StepResult[]> {
  const scenario = { host: '127.0.0.1', port, ssl: opts.ssl ?? true, cafile: tlsMaterial().certPath, steps };
  return runDriver(fileURLToPath(new URL('./pop3_driver.py', import.meta.url)), scenario);
}

/**
 * Raw client: connects (TLS or plain), writes `input` after the greeting and collects
 * everything the server sends until it closes or `waitMs` passes.
 */
export function raw(port: number, input: Buffer | string, opts: { tls?: boolean; waitMs?: number } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = opts.tls === false
      ? netConnect(port, '127.0.0.1')
      : tlsConnect({ port, host: '127.0.0.1', ca: tlsMaterial().cert, servername: 'localhost' });
    const chunks: Buffer[] = [];
    let sent = false;
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 2000);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (!sent) {
        sent = true;
        sock.write(input);
      }
    });
    sock.on('error', (e) => (chunks.length > 0 ? undefined : reject(e)));
    sock.on('close', () => {
      closed = true;
      finish();
    });
  });
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** Lines starting with dots, a lone dot, UTF-8 and Latin-1 octets, CRLF throughout. */
export const trickyMessage = (): Buffer => Buffer.concat([
  Buffer.from('From: a@pec.example\r\nSubject: punti\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\n'),
  Buffer.from('perché è così\r\n', 'utf8'),
  Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0xff, 0x00, 0x80, 0x0d, 0x0a]),
  Buffer.from('last line\r\n'),
]);
