// Test support for the IMAP server: listeners on 127.0.0.1 port 0 over the in-memory backend,
// the Python imaplib driver (an independent client) and a raw socket client.
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { createImapListener, type ImapListenerOptions } from '../src/index.ts';
import { runDriver, tlsMaterial } from '../../smtp/test/helpers.ts';

export { tlsMaterial };

export async function startImap(t: TestContext, opts: Partial<ImapListenerOptions> & Pick<ImapListenerOptions, 'backend'>): Promise<number> {
  const { key, cert } = tlsMaterial();
  const listener = createImapListener({ mode: 'imaps', tls: { key, cert }, hostname: 'imap.test.example', idlePollMs: 100, ...opts });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.after(() => listener.close());
  return port;
}

export interface Step { op: string; name?: string; args?: unknown[]; [k: string]: unknown }
export interface StepResult { typ?: string; data?: unknown; error?: string; continuation?: string; pushed?: string[]; done?: string }

export function imaplib(port: number, steps: Step[], opts: { ssl?: boolean } = {}): Promise<StepResult[]> {
  const scenario = { host: '127.0.0.1', port, ssl: opts.ssl ?? true, cafile: tlsMaterial().certPath, steps };
  return runDriver(fileURLToPath(new URL('./imap_driver.py', import.meta.url)), scenario);
}

export const call = (name: string, ...args: unknown[]): Step => ({ op: 'call', name, args });
export const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');
