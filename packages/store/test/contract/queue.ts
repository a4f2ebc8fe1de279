import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Job } from '../../src/index.ts';
import { codeOf, withStore, type MakeTarget } from '../harness.ts';

const T0 = new Date('2026-06-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

export function queueContract(make: MakeTarget): void {
  it('enqueues new keys only, even after the job completed', () => withStore(make, async (s) => {
    assert.equal(await s.queue.enqueue([
      { kind: 'send', key: 'k1', payload: { to: ['a@x'], n: 1 } },
      { kind: 'send', key: 'k2', payload: null },
      { kind: 'send', key: 'k1', payload: 'duplicate in the same batch' },
    ]), 2);
    assert.equal(await s.queue.enqueue([{ kind: 'send', key: 'k1', payload: 'again' }]), 0);
    assert.equal(await s.queue.enqueue([]), 0);
    const j1 = (await s.queue.get('k1'))!;
    assert.deepEqual(j1.payload, { to: ['a@x'], n: 1 });
    assert.equal(j1.runAt.getTime(), T0.getTime(), 'runAt defaults to the store clock');
    assert.equal(j1.attempts, 0);
    assert.equal(j1.lastError, null);
    await s.queue.complete(j1.id);
    await s.queue.complete(j1.id); // twice is harmless
    assert.equal(await s.queue.get('k1'), undefined);
    assert.equal(await s.queue.enqueue([{ kind: 'send', key: 'k1', payload: 'after completion' }]), 0);
    assert.equal(await s.queue.count(), 1);
    assert.equal(await codeOf(s.queue.complete(999_999)), 'JOB_NOT_FOUND');
    assert.equal(await codeOf(s.queue.retry(999_999, T0, 'x')), 'JOB_NOT_FOUND');
  }, { now: () => T0 }));

  it('claims due jobs of the given kinds, oldest first, up to the limit, with a lease', () => withStore(make, async (s) => {
    await s.queue.enqueue([
      { kind: 'a', key: 'late', payload: 3, runAt: at(5000) },
      { kind: 'a', key: 'first', payload: 1, runAt: at(-2000) },
      { kind: 'a', key: 'second', payload: 2, runAt: at(-1000) },
      { kind: 'b', key: 'other', payload: 4, runAt: at(-3000) },
    ]);
    assert.equal(await s.queue.count(['a']), 3);
    assert.equal(await s.queue.count(['a', 'b']), 4);
    assert.equal(await s.queue.count([]), 0);
    assert.deepEqual(await s.queue.claim([], T0, 1000, 10), []);
    assert.deepEqual((await s.queue.claim(['a'], T0, 60_000, 1)).map((j) => j.key), ['first']);
    assert.deepEqual((await s.queue.claim(['a'], T0, 60_000, 10)).map((j) => j.key), ['second']);
    assert.deepEqual(await s.queue.claim(['a'], at(1000), 60_000, 10), [], 'leased jobs are not claimable');
    assert.deepEqual((await s.queue.claim(['a', 'b'], at(5000), 60_000, 10)).map((j) => j.key), ['other', 'late']);
  }, { now: () => T0 }));

  it('makes a job claimable again when its lease expires (crash recovery)', () => withStore(make, async (s) => {
    await s.queue.enqueue([{ kind: 'a', key: 'j', payload: {} }]);
    const [j] = await s.queue.claim(['a'], T0, 30_000, 5);
    assert.ok(j);
    assert.deepEqual(await s.queue.claim(['a'], at(29_999), 30_000, 5), []);
    assert.equal((await s.queue.nextRunAt(['a']))?.getTime(), at(30_000).getTime(), 'a sleeping worker wakes at lease expiry');
    const again = await s.queue.claim(['a'], at(30_000), 30_000, 5);
    assert.deepEqual(again.map((x) => x.id), [j.id]);
  }, { now: () => T0 }));

  it('retry increments attempts, stores the error, reschedules and releases the lease', () => withStore(make, async (s) => {
    await s.queue.enqueue([{ kind: 'a', key: 'j', payload: { x: 1 } }, { kind: 'b', key: 'j2', payload: 0, runAt: at(90_000) }]);
    const [j] = await s.queue.claim(['a'], T0, 60_000, 1);
    await s.queue.retry(j!.id, at(10_000), '451 try later');
    const r = (await s.queue.get('j'))!;
    assert.equal(r.attempts, 1);
    assert.equal(r.lastError, '451 try later');
    assert.equal(r.runAt.getTime(), at(10_000).getTime());
    assert.deepEqual(r.payload, { x: 1 });
    assert.equal((await s.queue.nextRunAt(['a']))?.getTime(), at(10_000).getTime());
    assert.equal((await s.queue.nextRunAt(['a', 'b']))?.getTime(), at(10_000).getTime());
    assert.equal((await s.queue.nextRunAt(['b']))?.getTime(), at(90_000).getTime());
    assert.equal(await s.queue.nextRunAt(['zzz']), undefined);
    assert.deepEqual(await s.queue.claim(['a'], at(9_999), 60_000, 1), []);
    const [again] = await s.queue.claim(['a'], at(10_000), 60_000, 1);
    await s.queue.retry(again!.id, at(20_000), 'second failure');
    assert.equal((await s.queue.get('j'))!.attempts, 2);
    await s.queue.complete(again!.id);
    assert.equal(await s.queue.nextRunAt(['a']), undefined);
  }, { now: () => T0 }));

  it('never hands the same job to two concurrent claimers (two store instances)', async () => {
    const t = await make();
    try {
      const [s1, s2] = [await t.open({ now: () => T0 }), await t.open({ now: () => T0 })];
      const n = 60;
      await s1.queue.enqueue(Array.from({ length: n }, (_, i) => ({ kind: 'work', key: `k${i}`, payload: i })));
      const claimed: Job[][] = [[], []];
      const worker = async (idx: 0 | 1) => {
        const s = idx === 0 ? s1 : s2;
        for (;;) {
          const got = await s.queue.claim(['work'], T0, 60_000, 3);
          if (got.length === 0) return;
          claimed[idx]!.push(...got);
          // A worker does I/O between claims; without a turn of the event loop one in-process
          // store would starve the other and the test would prove nothing.
          await new Promise((r) => setImmediate(r));
        }
      };
      await Promise.all([worker(0), worker(1), worker(0), worker(1)]);
      const ids = [...claimed[0]!, ...claimed[1]!].map((j) => j.id);
      assert.equal(ids.length, n, 'every job claimed exactly once');
      assert.equal(new Set(ids).size, n);
      assert.ok(claimed[0]!.length > 0 && claimed[1]!.length > 0, `both claimed: ${claimed[0]!.length}/${claimed[1]!.length}`);
    } finally {
      await t.dispose();
    }
  });
}
