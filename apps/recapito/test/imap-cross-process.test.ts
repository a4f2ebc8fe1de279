// Two `recapito serve` processes on one PostgreSQL store: an IMAP session on one sees, while
// idling or at NOOP, what a session on the other does (new message, flags, expunge), because
// updates come from the store's mod-sequences, not from process memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliOut, freePort, run } from './support/two-providers.ts';

const PG = process.env['RECAPITO_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const BIN = fileURLToPath(new URL('../bin/recapito.js', import.meta.url));
const DRIVER = fileURLToPath(new URL('../../../packages/imap/test/imap_driver.py', import.meta.url));
const schema = `t_imapx_${Math.random().toString(36).slice(2, 10)}`;
const dir = mkdtempSync(join(tmpdir(), 'recapito-imapx-'));
const children: ChildProcess[] = [];
const USER = 'condivisa@pec.gamma.test';

after(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
  rmSync(dir, { recursive: true, force: true });
});

async function serve(data: string, port: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', data, '--submission-port', '0', '--starttls-port', '0', '--smtp-port', '0',
    '--imap-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--imaps-port', String(port), '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

test('sessions on two server processes sharing PostgreSQL see each other\'s changes', async () => {
  const data = join(dir, 'data');
  const ca = join(dir, 'ca');
  const pw = join(dir, 'pw');
  await run('sh', ['-c', `printf '%s' 'Prova.Pec-2026' > ${pw}`]);
  for (const args of [
    ['pki', 'init', '--dir', ca, '--domain', 'pec.gamma.test'],
    ['init', '--data', data, '--domain', 'pec.gamma.test', '--name', 'Gamma PEC', '--ca', ca, '--db', `${PG}?schema=${schema}`],
    ['mailbox', 'add', USER, '--data', data, '--password-file', pw],
  ]) assert.equal((await cliOut(...args)).code, 0, args.join(' '));
  const [p1, p2] = [await freePort(), await freePort()];
  await serve(data, p1);
  await serve(data, p2);
  const msg = Buffer.from('From: a@pec.gamma.test\r\nSubject: condivisa\r\n\r\ncorpo\r\n').toString('base64');
  const call = (name: string, ...args: unknown[]) => ({ op: 'call', name, args });
  const steps = [
    call('login', USER, 'Prova.Pec-2026'), call('select', 'INBOX'),
    { op: 'connect', port: p2 }, call('login', USER, 'Prova.Pec-2026'), { op: 'append', mailbox: 'INBOX', b64: msg }, call('select', 'INBOX'),
    { op: 'use', index: 0 }, { op: 'idle', seconds: 1.5 },
    { op: 'use', index: 1 }, call('store', '1', '+FLAGS', '(\\Flagged)'),
    { op: 'use', index: 0 }, call('noop'), { op: 'untagged', name: 'FETCH' },
    { op: 'use', index: 1 }, call('store', '1', '+FLAGS', '(\\Deleted)'), call('expunge'),
    { op: 'use', index: 0 }, call('noop'), { op: 'untagged', name: 'EXPUNGE' },
  ];
  const r = await run('python3', [DRIVER], 60_000, JSON.stringify({ host: '127.0.0.1', port: p1, ssl: true, cafile: join(ca, 'ca.pem'), steps }));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Array<{ typ?: string; data?: unknown; pushed?: string[]; error?: string }>;
  assert.ok(out[7]!.pushed?.includes('* 1 EXISTS'), `IDLE on process 1 saw the append on process 2: ${JSON.stringify(out[7])}`);
  assert.match(JSON.stringify(out[12]!.data), /1 \(UID 1 FLAGS \(\\\\Flagged\)\)/, `NOOP reported the new flag: ${JSON.stringify(out[12])}`);
  assert.deepEqual(out[18]!.data, ['1'], `NOOP reported the expunge: ${JSON.stringify(out[18])}`);
});
