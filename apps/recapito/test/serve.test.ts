/**
 * `recapito serve` as an operator runs it: prints where it listens, refuses bad flags clearly,
 * and on SIGTERM drains and exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, run } from './support/two-providers.ts';

const BIN = fileURLToPath(new URL('../bin/recapito.js', import.meta.url));

test('serve prints its listeners, honours 0 to disable one, and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recapito-serve-'));
  try {
    const data = join(dir, 'data');
    assert.equal((await run(process.execPath, [BIN, 'init', '--data', data, '--domain', 'pec.serve.test'])).code, 0);
    const again = await run(process.execPath, [BIN, 'init', '--data', data, '--domain', 'pec.serve.test']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a provider/);
    const bad = await run(process.execPath, [BIN, 'serve', '--data', data, '--smtp-port', 'venticinque']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--smtp-port: "venticinque" is not a port/);
    for (const workers of ['tanti', '-1', '1e9']) {
      const w = await run(process.execPath, [BIN, 'serve', '--data', data, '--access-workers', workers]);
      assert.equal(w.code, 2, workers);
      assert.match(w.stderr, /--access-workers: ".*" is not a number of processes from 0 to 64/);
    }
    const imapBad = await run(process.execPath, [BIN, 'serve', '--data', data, '--imaps-port', '99999']);
    assert.equal(imapBad.code, 2);
    assert.match(imapBad.stderr, /--imaps-port: "99999" is not a port/);
    const missing = await run(process.execPath, [BIN, 'serve', '--data', join(dir, 'nowhere')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /recapito init --data/);
    const submission = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--data', data, '--submission-port', String(submission), '--starttls-port', '0', '--smtp-port', '0', '--imap-port', '0', '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => stdout.includes('\n') && (clearInterval(t), resolve()), 50);
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const info = JSON.parse(stdout.split('\n')[0]!) as { domain: string; listeners: { name: string; port: number }[] };
    assert.equal(info.domain, 'pec.serve.test');
    assert.deepEqual(info.listeners.map((l) => l.port), [submission]);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /stopped cleanly/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
