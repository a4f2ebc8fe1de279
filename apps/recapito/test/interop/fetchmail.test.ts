/**
 * fetchmail downloads over POP3S (implicit TLS, certificate checked against the target's CA
 * with sslcertck/sslcertfile), delivering each message to clients/deliver.py (an MDA writing
 * one file per message): first with `keep` (the server still has them), then without (the
 * server's INBOX is empty afterwards). Messages are byte-identical, given what fetchmail does:
 * - an MDA gets Unix line ends (fetchmail turns CRLF into LF);
 * - fetchmail adds a `Received:` header (three lines, first in the message) unless told
 *   `invisible`: the first run is `invisible` and must equal the original exactly; the second
 *   is not, and must be exactly fetchmail's Received header followed by the original.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CLIENTS, eachTarget, exec, tempDir } from './harness.ts';
import { dump, fill, toLf, type Entry } from './sync-support.ts';
import type { Target } from './targets.ts';

const RECEIVED = /^Received: from localhost \[127\.0\.0\.1\]\n\tby \S+ with POP3S? \(fetchmail-[\d.]+\)\n\tfor <[^>]+> \([^)]*\); [^\n]+\n/;

async function fetchmail(target: Target, dir: string, out: string, opts: { keep: boolean; invisible: boolean }): Promise<Buffer[]> {
  const q = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
  const rc = join(dir, `fetchmailrc-${opts.keep ? 'keep' : 'nokeep'}`);
  await writeFile(rc, [
    'set no syslog',
    `set idfile ${q(join(dir, 'fetchids'))}`,
    `poll localhost protocol POP3 port ${target.ports.pop3s} auth password`,
    `  user ${q(target.user)} there with password ${q(target.password)} is ${q(userInfo().username)} here`,
    `  ssl sslcertck sslcertfile ${q(target.caFile)}`,
    `  ${opts.keep ? 'keep' : 'nokeep'} fetchall`,
    `  mda ${q(`python3 ${join(CLIENTS, 'deliver.py')} ${out}`)}`,
    '',
  ].join('\n'));
  await chmod(rc, 0o600);
  await mkdir(out);
  const r = await exec('fetchmail', ['-f', rc, '--nodetach', ...(opts.invisible ? ['--invisible'] : [])], { timeoutMs: 60_000, env: { ...process.env, HOME: dir } });
  assert.equal(r.code, 0, `fetchmail exited ${r.code}: ${r.stderr}${r.stdout.toString('utf8')}`);
  return Promise.all((await readdir(out)).sort().map((f) => readFile(join(out, f))));
}

eachTarget('fetchmail downloads over POP3S, with keep and without', async (t, target) => {
  const tmp = await tempDir('fetchmail');
  try {
    const dir = tmp.path;
    await mkdir(join(dir, 'orig'));
    const manifest = await fill(target, join(dir, 'orig'), 1);
    const inbox: Entry[] = manifest.folders['INBOX']!;
    const originals = await Promise.all(inbox.map((e) => readFile(e.file!)));

    const kept = await fetchmail(target, dir, join(dir, 'keep'), { keep: true, invisible: true });
    assert.equal(kept.length, originals.length);
    kept.forEach((m, i) => assert.ok(m.equals(toLf(originals[i]!)), `message ${i + 1} (keep, invisible) byte-identical`));
    assert.equal((await dump(target)).folders['INBOX']?.length, originals.length, 'keep: the server still has them');

    const taken = await fetchmail(target, dir, join(dir, 'nokeep'), { keep: false, invisible: false });
    assert.equal(taken.length, originals.length);
    taken.forEach((m, i) => {
      const text = m.toString('latin1');
      const received = RECEIVED.exec(text);
      assert.ok(received, `message ${i + 1}: fetchmail's Received header first: ${text.slice(0, 200)}`);
      assert.ok(m.subarray(received[0].length).equals(toLf(originals[i]!)), `message ${i + 1} (no keep) byte-identical after the Received header`);
    });
    assert.deepEqual((await dump(target)).folders['INBOX'], [], 'without keep: the server deleted them');
    t.diagnostic(`Received header added: ${JSON.stringify(RECEIVED.exec(taken[0]!.toString('latin1'))?.[0])}`);
  } finally {
    await tmp.remove();
  }
});
