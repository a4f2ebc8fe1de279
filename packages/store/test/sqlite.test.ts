import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../src/index.ts';
import { runContract } from './contract.ts';
import { codeOf, sqliteTarget } from './harness.ts';

runContract('sqlite', sqliteTarget);

describe('sqlite specifics', () => {
  it('waits for another process\'s write lock without freezing the event loop; STORE_BUSY after the timeout', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'recapito-store-'));
    const store = await openStore({ dataDir, busyTimeoutMs: 300 });
    const other = new Database(join(dataDir, 'recapito.sqlite'));
    try {
      assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
      other.exec('BEGIN IMMEDIATE');
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const started = Date.now();
      assert.equal(await codeOf(store.queue.enqueue([{ kind: 'a', key: 'k', payload: 1 }])), 'STORE_BUSY');
      clearInterval(timer);
      assert.ok(Date.now() - started >= 290);
      assert.ok(ticks >= 10, `timers kept running while waiting (${ticks} ticks)`);
      // Reads are not blocked by the other writer (WAL).
      assert.equal(await store.queue.count(), 0);
      // Once the other writer commits, a waiting write goes through.
      const pending = store.queue.enqueue([{ kind: 'a', key: 'k', payload: 1 }]);
      setTimeout(() => other.exec('COMMIT'), 50);
      assert.equal(await pending, 1);
    } finally {
      other.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
