// `recapito serve --access-workers 2`: IMAP served by two worker processes on one SQLite store.
// Sessions land on different workers and still see each other's changes; a worker killed with
// SIGKILL is replaced and the port keeps answering; SIGTERM stops everything cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliOut, freePort, run } from './support/two-providers.ts';

const BIN = fileURLToPath(new URL('../bin/recapito.js', import.meta.url));
const DRIVER = fileURLToPath(new URL('../../../packages/imap/test/imap_driver.py', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'recapito-workers-'));
const USER = 'condivisa@pec.delta.test';
const PASS = 'Prova.Pec-2026';
after(() => rmSync(dir, { recursive: true, force: true }));

/** Direct children of a process, from /proc. */
function children(pid: number): number[] {
  return (readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)).map(Number);
}

test('IMAP from two access workers: shared changes, a killed worker is replaced, clean stop', async () => {
  const data = join(dir, 'data');
  const ca = join(dir, 'ca');
  writeFileSync(join(dir, 'pw'), PASS);
  for (const args of [
    ['pki', 'init', '--dir', ca, '--domain', 'pec.delta.test'],
    ['init', '--data', data, '--domain', 'pec.delta.test', '--name', 'Delta PEC', '--ca', ca],
    ['mailbox', 'add', USER, '--data', data, '--password-file', join(dir, 'pw')],
  ]) assert.equal((await cliOut(...args)).code, 0, args.join(' '));
  const port = await freePort();
  const server = spawn(process.execPath, [BIN, 'serve', '--data', data, '--submission-port', '0', '--starttls-port', '0', '--smtp-port', '0',
    '--imap-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--imaps-port', String(port), '--access-workers', '2', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number>((resolve) => server.once('exit', (code) => resolve(code ?? -1)));
  const line = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (d: Buffer) => resolve(String(d)));
    void exited.then((c) => reject(new Error(`serve exited ${c}: ${stderr}`)));
  });
  assert.match(line, /imaps \(implicit TLS\), 2 workers/);
  const workers = children(server.pid!);
  assert.equal(workers.length, 2, 'two worker processes');

  const msg = Buffer.from('From: a@pec.delta.test\r\nSubject: condivisa\r\n\r\ncorpo\r\n').toString('base64');
  const call = (name: string, ...args: unknown[]) => ({ op: 'call', name, args });
  // Round-robin: consecutive connections go to different workers.
  const steps = [
    call('login', USER, PASS), call('select', 'INBOX'),
    { op: 'connect' }, call('login', USER, PASS), { op: 'append', mailbox: 'INBOX', b64: msg },
    { op: 'connect' }, call('login', USER, PASS), { op: 'append', mailbox: 'INBOX', b64: msg },
    { op: 'use', index: 0 }, { op: 'idle', seconds: 1.5 },
  ];
  const scenario = (s: unknown[]): string => JSON.stringify({ host: '127.0.0.1', port, ssl: true, cafile: join(ca, 'ca.pem'), steps: s });
  const r = await run('python3', [DRIVER], 60_000, scenario(steps));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Array<{ typ?: string; pushed?: string[] }>;
  assert.ok(out[9]!.pushed?.some((l) => /^\* 2 EXISTS$/.test(l)), `the idling session saw both appends: ${JSON.stringify(out[9])}`);

  process.kill(workers[0]!, 'SIGKILL');
  let replaced: number[] = [];
  for (let i = 0; i < 100 && !(replaced.length === 2 && !replaced.includes(workers[0]!)); i++) {
    await new Promise((res) => setTimeout(res, 100));
    replaced = children(server.pid!);
  }
  assert.equal(replaced.length, 2, 'the killed worker was replaced');
  await new Promise((res) => setTimeout(res, 500));
  const again = await run('python3', [DRIVER], 60_000, scenario([call('login', USER, PASS), call('select', 'INBOX'), { op: 'connect' }, call('login', USER, PASS), call('status', 'INBOX', '(MESSAGES)')]));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /MESSAGES 2/);

  server.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  for (const w of replaced) assert.throws(() => process.kill(w, 0), 'workers are gone');
});
