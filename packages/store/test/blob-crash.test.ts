/**
 * A writer killed with SIGKILL in the middle of writing blobs leaves no partial blob under a
 * final name: only temporary files, which the next openStore removes once they are older than
 * the grace period (those of live writers are kept).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/index.ts';
import { TEMP_GRACE_MS } from '../src/blobs/recovery.ts';

const WRITER = fileURLToPath(new URL('./fixtures/blob-writer.ts', import.meta.url));

/** Every file under blobs/ab/cd, split into final names and temporary files. */
async function scan(root: string): Promise<{ finals: string[]; temps: string[] }> {
  const finals: string[] = [];
  const temps: string[] = [];
  for (const a of (await readdir(root)).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
    for (const b of await readdir(join(root, a))) {
      for (const f of await readdir(join(root, a, b))) (f.startsWith('.tmp-') ? temps : finals).push(join(root, a, b, f));
    }
  }
  return { finals, temps };
}

/** Starts the writer, lets it store `count` blobs, then kills it at a random moment. */
async function runAndKill(dataDir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids: string[] = [];
  let buf = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => reject(new Error('writer exited early')));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      ids.push(...lines);
      if (ids.length >= count) resolve();
    });
  });
  await new Promise((r) => setTimeout(r, Math.random() * 15));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  return ids;
}

it('SIGKILL during blob writes leaves only temporary files, removed by the next open', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'recapito-crash-'));
  const root = join(dataDir, 'blobs');
  try {
    let sawTemp = 0;
    let rounds = 0;
    // The kill must land while a temporary file exists for the test to mean something; that
    // is most of the writer's time, but retry a few rounds to be sure to observe it.
    while (rounds < 2 || (sawTemp === 0 && rounds < 10)) {
      rounds++;
      const reported = await runAndKill(dataDir, 3);
      const { finals, temps } = await scan(root);
      sawTemp += temps.length;
      for (const f of finals) {
        const name = f.slice(f.lastIndexOf('/') + 1);
        assert.equal(createHash('sha256').update(await readFile(f)).digest('hex'), name, `complete content under ${name}`);
      }
      assert.ok((await readdir(join(root, '.writers'))).length >= 1, 'the dead writer left its marker');

      // Within the grace period nothing is removed (the writer could live in another PID
      // namespace); once the files are older, they go.
      if (temps.length > 0) {
        await (await openStore({ dataDir })).close();
        assert.deepEqual((await scan(root)).temps, temps, 'recent temporary files are kept');
        assert.ok((await readdir(join(root, '.writers'))).length >= 1, 'and so is the marker');
      }
      const past = new Date(Date.now() - 2 * TEMP_GRACE_MS);
      for (const f of temps) await utimes(f, past, past);

      // A temporary file of a live writer (this process) must survive the cleanup.
      const first = reported[0]!;
      const live = join(root, first.slice(0, 2), first.slice(2, 4), `.tmp-${process.pid}-live`);
      await writeFile(live, 'in progress');
      await utimes(live, past, past);

      const store = await openStore({ dataDir });
      try {
        const after = await scan(root);
        assert.deepEqual(after.temps, [live], 'dead writers\' temporary files are gone, live ones kept');
        assert.deepEqual((await readdir(join(root, '.writers'))), [], 'dead markers removed');
        for (const id of reported) assert.equal(await store.blobs.has(id), true, `reported blob ${id} is stored`);
      } finally {
        await store.close();
      }
      await rm(live);
    }
    t.diagnostic(`${rounds} rounds, ${sawTemp} temporary file(s) found after the kills`);
    assert.ok(sawTemp > 0, `a kill landed mid-write in ${rounds} rounds`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
