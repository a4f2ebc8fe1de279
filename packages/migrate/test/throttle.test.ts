// Pacing and connection limits: the token buckets hold the configured rates over time, a
// message larger than a second's budget still passes, semaphores serve in order and take a
// lane's units at once, and backoff grows exponentially within its jitter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, HostLimits, Semaphore, Throttle } from '../src/index.ts';

test('throttle: messages per second and bytes per second hold over a run', async () => {
  const mps = new Throttle({ messagesPerSecond: 50 });
  const t0 = performance.now();
  for (let i = 0; i < 75; i++) await mps.take(100);
  const took = performance.now() - t0;
  // 50 start in the bucket, 25 more need half a second: well above 0, well below 75/50 s.
  assert.ok(took >= 400, `75 messages at 50/s took ${took.toFixed(0)} ms`);
  const bps = new Throttle({ bytesPerSecond: 1_000_000 });
  const t1 = performance.now();
  for (let i = 0; i < 3; i++) await bps.take(600_000);
  assert.ok(performance.now() - t1 >= 700, '1.8 MB at 1 MB/s waits');
  const big = new Throttle({ bytesPerSecond: 1000 });
  await big.take(50_000); // larger than the bucket: passes once the bucket is full, into debt
  assert.equal(new Throttle().limited, false);
});

test('semaphore and host limits: order, all-at-once units, no deadlock between lanes', async () => {
  const s = new Semaphore(2);
  const order: string[] = [];
  const a = await s.acquire(2);
  const waitB = s.acquire(1).then((r) => { order.push('b'); return r; });
  const waitC = s.acquire(1).then((r) => { order.push('c'); return r; });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, [], 'nothing free while a holds both units');
  a();
  (await waitB)();
  (await waitC)();
  assert.deepEqual(order, ['b', 'c']);

  // Eight lanes between the same two servers with room for two pairs: all finish.
  const limits = new HostLimits(2);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    const release = await limits.acquire(['old:993', 'new:993']);
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    release();
  }));
  assert.equal(peak, 2);
  // A lane whose two sessions go to one server takes two units of it at once.
  const same = new HostLimits(2);
  const r1 = await same.acquire(['one:993', 'one:993']);
  let second = false;
  const p = same.acquire(['one:993', 'one:993']).then((r) => { second = true; r(); });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(second, false);
  r1();
  await p;
  assert.equal(second, true);
});

test('backoff: doubles per attempt, with jitter, capped', () => {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const d = backoffDelay(attempt, 1000);
    const nominal = 1000 * 2 ** (attempt - 1);
    assert.ok(d >= nominal * 0.8 && d <= nominal * 1.2, `attempt ${attempt}: ${d}`);
  }
  assert.ok(backoffDelay(30, 1000) <= 60_000 * 1.2);
});
