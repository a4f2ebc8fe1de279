/**
 * Two providers on loopback (pec.alfa.test, pec.beta.test) sharing a test CA, each knowing the
 * other through its local providers' index, plus an ordinary-mail sink for external recipients.
 * Providers run in-process (their clock can jump 12 h); clients are real (Python's smtplib).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSmtpListener } from '@recapito/smtp';
import { silentLogger } from '@recapito/provider';
import { readConfig, writeConfig } from '../../src/lib/config.ts';
import { startServer, type RunningServer } from '../../src/lib/server.ts';
import { OffsetClock } from '../../src/lib/system-clock.ts';

export const PASSWORD = 'Prova.Pec-2026';
const SUBMIT_PY = fileURLToPath(new URL('./smtp_submit.py', import.meta.url));

import { freePort } from './free-port.ts';

export { freePort };

const BIN = fileURLToPath(new URL('../../bin/recapito.js', import.meta.url));

/**
 * Runs the CLI as users do, in its own process (never by redirecting this process's stdout,
 * which the test runner uses to report results).
 */
export async function cliOut(...args: string[]): Promise<{ code: number; stdout: string }> {
  const r = await run(process.execPath, [BIN, ...args]);
  return { code: r.code, stdout: r.stdout };
}

async function cli(...args: string[]): Promise<void> {
  const { code } = await cliOut(...args);
  if (code !== 0) throw new Error(`recapito ${args.join(' ')} exited ${code}`);
}

export interface Peer {
  readonly name: string;
  readonly domain: string;
  readonly data: string;
  readonly ports: { submission: number; smtp: number; imaps: number; pop3s: number };
  server?: RunningServer;
}

export interface SubmitResult { ok: boolean; code?: number; error?: string; refused?: string[] }

/** Runs a command without blocking the event loop (the providers run in this process). */
export function run(cmd: string, args: string[], timeoutMs = 300_000, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export interface Lab {
  readonly dir: string;
  readonly ca: string;
  readonly clock: OffsetClock;
  readonly alfa: Peer;
  readonly beta: Peer;
  readonly sink: { port: number; messages: { mailFrom: string; rcptTo: string[]; data: Buffer }[]; close(): Promise<void> };
  readonly passwordFile: string;
  start(p: Peer): Promise<void>;
  stop(): Promise<void>;
  addMailbox(p: Peer, address: string, ...extra: string[]): Promise<void>;
  /** Runs Python's smtplib against a provider's submission port; one result per message. */
  submit(p: Peer, user: string, rcpts: string[], message: string | Buffer, opts?: { mode?: 'ssl' | 'starttls' | 'plain'; count?: number; mailFrom?: string; port?: number }): Promise<SubmitResult[]>;
  /** Raw messages in a mailbox folder (INBOX default). */
  messages(p: Peer, address: string, folder?: string): Promise<Buffer[]>;
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
}

export async function createLab(opts: { alfaDb?: string; betaDb?: string; jobs?: { leaseMs: number; retryBaseMs: number } } = {}): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'recapito-lab-'));
  const clock = new OffsetClock();
  await cli('pki', 'init', '--dir', join(dir, 'ca'), '--domain', 'pec.alfa.test');
  const peers: Peer[] = [];
  for (const [name, domain] of [['Alfa PEC S.p.A.', 'pec.alfa.test'], ['Beta PEC S.p.A.', 'pec.beta.test']] as const) {
    const data = join(dir, domain);
    await cli('init', '--data', data, '--domain', domain, '--name', name, '--ca', join(dir, 'ca'), ...((domain === 'pec.beta.test' ? opts.betaDb : opts.alfaDb) ? ['--db', (domain === 'pec.beta.test' ? opts.betaDb : opts.alfaDb)!] : []));
    peers.push({ name, domain, data, ports: { submission: await freePort(), smtp: await freePort(), imaps: await freePort(), pop3s: await freePort() } });
  }
  const [alfa, beta] = peers as [Peer, Peer];
  const messages: Lab['sink']['messages'] = [];
  const sinkListener = createSmtpListener({
    mode: 'inbound', tls: { key: readFileSync(join(alfa.data, 'tls', 'key.pem'), 'utf8'), cert: readFileSync(join(alfa.data, 'tls', 'cert.pem'), 'utf8') },
    hostname: 'localhost', maxMessageBytes: 100 * 1024 * 1024, maxRecipients: 100,
    backend: { mailFrom: async () => undefined, rcptTo: async () => undefined, data: async (m, e) => { messages.push({ mailFrom: e.mailFrom, rcptTo: e.rcptTo, data: Buffer.from(m) }); return undefined; } },
  });
  const { port: sinkPort } = await sinkListener.listen(0, '127.0.0.1');
  for (const p of peers) {
    const other = p === alfa ? beta : alfa;
    await cli('index', 'add-provider', '--data', p.data, '--name', other.name, '--domain', other.domain, '--cert', join(other.data, 'pki', 'provider.pem'), '--route', `127.0.0.1:${other.ports.smtp}`);
    const c = await readConfig(p.data);
    c.outbound.routes = { '*': `127.0.0.1:${sinkPort}` };
    if (opts.jobs) c.jobs = opts.jobs;
    await writeConfig(p.data, c);
  }
  const passwordFile = join(dir, 'password.txt');
  writeFileSync(passwordFile, PASSWORD);
  const lab: Lab = {
    dir, ca: join(dir, 'ca', 'ca.pem'), clock, alfa, beta, passwordFile,
    sink: { port: sinkPort, messages, close: () => sinkListener.close() },
    async start(p) {
      p.server = await startServer({ dataDir: p.data, clock, logger: silentLogger, ports: { submission: p.ports.submission, starttls: 0, smtp: p.ports.smtp, imap: 0, imaps: p.ports.imaps, pop3: 0, pop3s: p.ports.pop3s }, runner: { idleMs: 100 } });
    },
    async stop() {
      for (const p of peers) await p.server?.stop();
      await sinkListener.close();
      if (process.env['RECAPITO_KEEP_LAB']) process.stderr.write(`lab kept in ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
    async addMailbox(p, address, ...extra) {
      await cli('mailbox', 'add', address, '--data', p.data, '--password-file', passwordFile, ...extra);
    },
    async submit(p, user, rcpts, message, opts = {}) {
      const file = join(dir, `msg-${Math.random().toString(36).slice(2)}.eml`);
      writeFileSync(file, message);
      const mode = opts.mode ?? 'ssl';
      const port = opts.port ?? (mode === 'plain' ? p.ports.smtp : p.ports.submission);
      const r = await run('python3', [SUBMIT_PY, mode, '127.0.0.1', String(port), lab.ca, user, mode === 'plain' ? '-' : passwordFile, opts.mailFrom ?? user, rcpts.join(','), file, String(opts.count ?? 1)]);
      if (r.code !== 0) throw new Error(`smtplib failed: ${r.stderr}`);
      return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SubmitResult);
    },
    async messages(p, address, folder = 'INBOX') {
      const store = p.server!.store;
      const m = await store.accounts.getMailbox(address);
      if (!m) return [];
      const f = await store.mailboxes.getFolder(m.id, folder);
      if (!f) return [];
      const list = await store.mailboxes.listMessages(f.id);
      return Promise.all(list.map(async (x) => Buffer.from(await store.blobs.get(x.blobId))));
    },
    async waitFor(what, fn, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = await fn();
        if (v) return v as never;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return lab;
}

/** A plain original message as a mail client writes it. */
export function originalMessage(from: string, to: string[], opts: { cc?: string[]; bcc?: string[]; subject?: string; body?: string; id?: string } = {}): string {
  return [
    `From: ${from}`, `To: ${to.join(', ')}`, ...(opts.cc ? [`Cc: ${opts.cc.join(', ')}`] : []), ...(opts.bcc ? [`Bcc: ${opts.bcc.join(', ')}`] : []),
    `Subject: ${opts.subject ?? 'Prova di invio'}`, `Message-ID: <${opts.id ?? `${Math.random().toString(36).slice(2)}@client.test`}>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0100', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '',
    opts.body ?? 'Corpo del messaggio: città, perché.', '',
  ].join('\r\n');
}

export { readConfig };
