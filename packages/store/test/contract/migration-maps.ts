/**
 * The identity map of a mailbox migration job: idempotent jobs and entries, resume sets,
 * verified/failed transitions, duplicates by digest, summaries, UIDVALIDITY separation, races
 * between two stores, and a job of 100,000 entries.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import type { MapEntry } from '../../src/index.ts';
import { codeOf, withStore, type MakeTarget } from '../harness.ts';

const T0 = new Date('2026-06-01T10:00:00.000Z');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A copied entry of INBOX (UIDVALIDITY 7) → INBOX, with overridable fields. */
function entry(uid: number, over: Partial<MapEntry> = {}): MapEntry {
  return {
    sourceFolder: 'INBOX', sourceUidValidity: 7, sourceUid: uid,
    destFolder: 'INBOX', destUidValidity: 100, destUid: uid + 1000,
    messageId: `<m${uid}@x.test>`, size: 100 + uid, sha256: sha(`m${uid}`), state: 'copied',
    ...over,
  };
}

async function countRows(t: { exec(text: string, p?: readonly unknown[]): Promise<Record<string, unknown>[]> }): Promise<number> {
  return Number((await t.exec('select count(*) as n from migration_map'))[0]!.n);
}

export function migrationMapsContract(make: MakeTarget): void {
  it('openJob is idempotent by key and keeps created_at', async () => {
    let now = T0;
    await withStore(make, async (s) => {
      const a = await s.migrations.openJob('job-1', 'imaps://old', 'imaps://new');
      assert.deepEqual(a, { id: a.id, key: 'job-1', source: 'imaps://old', destination: 'imaps://new', createdAt: T0 });
      now = new Date(T0.getTime() + 60_000);
      const b = await s.migrations.openJob('job-1', 'imaps://old', 'imaps://new');
      assert.deepEqual(b, a);
      const c = await s.migrations.openJob('job-2', 'imaps://old', 'imaps://new');
      assert.notEqual(c.id, a.id);
      assert.deepEqual(c.createdAt, now);
      assert.equal(await codeOf(s.migrations.openJob('', 'a', 'b')), 'INVALID_INPUT');
    }, { now: () => now });
  });

  it('write-ahead: pending entries are not copied, become copied when recorded again, or are forgotten', () => withStore(make, async (s, t) => {
    const job = await s.migrations.openJob('wa', 'a', 'b');
    const pending = (uid: number): MapEntry => entry(uid, { state: 'pending', destUid: null, destUidValidity: null });
    await s.migrations.recordCopied(job.id, [entry(1), pending(2), pending(3), pending(4)]);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1]), 'pending is not yet copied');
    assert.deepEqual((await s.migrations.entries(job.id, 'INBOX', 7, 'pending')).map((e) => e.sourceUid), [2, 3, 4]);
    // A pending entry never downgrades a copied one.
    await s.migrations.recordCopied(job.id, [pending(1)]);
    assert.equal((await s.migrations.entries(job.id, 'INBOX', 7, 'copied'))[0]!.destUid, 1001);
    // Found in the destination: pending becomes copied with its UID.
    await s.migrations.recordCopied(job.id, [entry(2)]);
    // Not found: forgotten, and only pending entries are deleted.
    await s.migrations.forgetPending(job.id, 'INBOX', 7, [1, 3, 4]);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1, 2]));
    assert.equal(await countRows(t), 2);
    assert.equal(await s.migrations.maxDestUid(job.id, 'INBOX', 100), 1002);
    assert.equal(await s.migrations.maxDestUid(job.id, 'INBOX', 101), 0, 'another UIDVALIDITY has nothing');
    assert.equal(await s.migrations.maxDestUid(job.id, 'Other', 100), 0);
    assert.equal(await codeOf(s.migrations.entries(job.id, 'INBOX', 7, 'lost' as 'copied')), 'INVALID_INPUT');
  }));

  it('recordCopied is idempotent: the same entries twice give one row each, unchanged', () => withStore(make, async (s, t) => {
    const job = await s.migrations.openJob('j', 'a', 'b');
    const entries = [entry(1), entry(2), entry(3), entry(2)];
    await s.migrations.recordCopied(job.id, entries);
    await s.migrations.recordCopied(job.id, entries);
    await s.migrations.recordCopied(job.id, [entry(1, { destUid: 9999, state: 'failed', error: 'x' })]);
    await s.migrations.recordCopied(job.id, []);
    assert.equal(await countRows(t), 3);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1, 2, 3]));
    const [e1] = await s.migrations.findByDigest(job.id, 'INBOX', sha('m1'), 101);
    assert.deepEqual(e1, { ...entry(1), error: null }, 'the first record stays');
    assert.equal(await codeOf(s.migrations.recordCopied(999_999, [entry(1)])), 'MIGRATION_NOT_FOUND');
    assert.equal(await codeOf(s.migrations.recordCopied(job.id, [entry(4, { sha256: 'nope' })])), 'INVALID_INPUT');
    assert.equal(await codeOf(s.migrations.recordCopied(job.id, [entry(4, { state: 'lost' as 'copied' })])), 'INVALID_INPUT');
    assert.equal(await codeOf(s.migrations.recordCopied(job.id, [entry(5), entry(0)])), 'INVALID_INPUT');
    assert.equal(await countRows(t), 3, 'an invalid batch records nothing');
  }));

  it('two stores racing the same recordCopied: no duplicate, no error', async () => {
    const t = await make();
    try {
      const [a, b] = await Promise.all([t.open(), t.open()]);
      const [ja, jb] = await Promise.all([a.migrations.openJob('race', 's', 'd'), b.migrations.openJob('race', 's', 'd')]);
      assert.equal(ja.id, jb.id);
      const batch = Array.from({ length: 2000 }, (_, i) => entry(i + 1));
      const reversed = [...batch].reverse();
      for (let round = 0; round < 3; round++) {
        await Promise.all([
          a.migrations.recordCopied(ja.id, batch), b.migrations.recordCopied(jb.id, reversed),
          a.migrations.recordCopied(ja.id, batch.slice(500, 1500)), b.migrations.recordCopied(jb.id, batch),
        ]);
      }
      assert.equal(await countRows(t), 2000);
      assert.equal((await b.migrations.copiedUids(ja.id, 'INBOX', 7)).size, 2000);
    } finally {
      await t.dispose();
    }
  });

  it('resume set, verified and failed transitions; a failure is not final', () => withStore(make, async (s) => {
    const job = await s.migrations.openJob('j', 'a', 'b');
    await s.migrations.recordCopied(job.id, [entry(1), entry(2), entry(3), entry(4, { state: 'failed', destUid: null, error: 'NO [OVERQUOTA]' })]);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1, 2, 3]));
    await s.migrations.markVerified(job.id, 'INBOX', 7, [1, 2, 4, 77]);
    await s.migrations.markVerified(job.id, 'INBOX', 7, []);
    await s.migrations.markFailed(job.id, 'INBOX', 7, 3, 'size mismatch');
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1, 2]));
    assert.deepEqual(await s.migrations.summary(job.id), [{ sourceFolder: 'INBOX', copied: 0, verified: 2, failed: 2, bytes: 101 + 102 }]);
    assert.equal(await codeOf(s.migrations.markFailed(job.id, 'INBOX', 7, 5, 'x')), 'MIGRATION_NOT_FOUND');
    // A later run copies the failed ones: recorded as copied over the failure.
    await s.migrations.recordCopied(job.id, [entry(3), entry(4)]);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 7), new Set([1, 2, 3, 4]));
    const [e4] = await s.migrations.findByDigest(job.id, 'INBOX', sha('m4').toUpperCase(), 104);
    assert.deepEqual(e4, { ...entry(4), error: null });
    // Verified entries are not downgraded by a re-record.
    await s.migrations.recordCopied(job.id, [entry(1)]);
    assert.deepEqual(await s.migrations.summary(job.id), [{ sourceFolder: 'INBOX', copied: 2, verified: 2, failed: 0, bytes: 101 + 102 + 103 + 104 }]);
  }));

  it('findByDigest and summary: identical bytes in several places, per folder totals', () => withStore(make, async (s) => {
    const job = await s.migrations.openJob('j', 'a', 'b');
    const other = await s.migrations.openJob('k', 'a', 'b');
    const dup = { sha256: sha('same'), size: 500, messageId: null };
    await s.migrations.recordCopied(job.id, [
      entry(1, dup), entry(2, dup), entry(3),
      entry(9, { ...dup, sourceFolder: 'Sent', destFolder: 'Sent' }),
      entry(5, { ...dup, sourceFolder: 'Archive', destFolder: 'INBOX' }),
      entry(6, { ...dup, state: 'failed', destUid: null, error: 'timeout' }),
    ]);
    await s.migrations.recordCopied(other.id, [entry(1, dup)]);
    const found = await s.migrations.findByDigest(job.id, 'INBOX', sha('same'), 500);
    assert.deepEqual(found.map((e) => [e.sourceFolder, e.sourceUid]), [['Archive', 5], ['INBOX', 1], ['INBOX', 2]]);
    assert.deepEqual(await s.migrations.findByDigest(job.id, 'INBOX', sha('same'), 501), []);
    assert.equal((await s.migrations.findByDigest(job.id, 'Sent', sha('same'), 500)).length, 1);
    assert.deepEqual(await s.migrations.summary(job.id), [
      { sourceFolder: 'Archive', copied: 1, verified: 0, failed: 0, bytes: 500 },
      { sourceFolder: 'INBOX', copied: 3, verified: 0, failed: 1, bytes: 500 + 500 + 103 },
      { sourceFolder: 'Sent', copied: 1, verified: 0, failed: 0, bytes: 500 },
    ]);
    assert.deepEqual(await s.migrations.summary(999_999), []);
  }));

  it('a changed UIDVALIDITY is another folder: nothing is wrongly skipped', () => withStore(make, async (s, t) => {
    const job = await s.migrations.openJob('j', 'a', 'b');
    await s.migrations.recordCopied(job.id, [entry(1), entry(2)]);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 8), new Set());
    await s.migrations.recordCopied(job.id, [entry(1, { sourceUidValidity: 8, sha256: sha('new1') })]);
    assert.equal(await countRows(t), 3);
    assert.deepEqual(await s.migrations.copiedUids(job.id, 'INBOX', 8), new Set([1]));
    await s.migrations.markVerified(job.id, 'INBOX', 8, [1, 2]);
    const verified = await s.migrations.findByDigest(job.id, 'INBOX', sha('new1'), 101);
    assert.deepEqual(verified.map((e) => [e.sourceUidValidity, e.state]), [[8, 'verified']]);
    assert.equal((await s.migrations.findByDigest(job.id, 'INBOX', sha('m2'), 102))[0]!.state, 'copied');
    // Both numberings of the folder are known; one with only pending or failed entries is not.
    await s.migrations.recordCopied(job.id, [entry(5, { sourceUidValidity: 9, state: 'pending', destUid: null, destUidValidity: null }), entry(6, { sourceUidValidity: 10, state: 'failed', error: 'OVER_QUOTA: full' })]);
    assert.deepEqual(await s.migrations.uidValidities(job.id, 'INBOX'), [7, 8]);
    assert.deepEqual(await s.migrations.uidValidities(job.id, 'Archivio'), []);
  }));

  it('records a 100,000-entry job in batches; copiedUids returns them all', () => withStore(make, async (s) => {
    const job = await s.migrations.openJob('big', 'a', 'b');
    const N = 100_000;
    for (let from = 1; from <= N; from += 5000) {
      await s.migrations.recordCopied(job.id, Array.from({ length: 5000 }, (_, i) => entry(from + i, { sha256: sha('x'), messageId: null })));
    }
    const uids = await s.migrations.copiedUids(job.id, 'INBOX', 7);
    assert.equal(uids.size, N);
    assert.ok(uids.has(1) && uids.has(N) && !uids.has(N + 1));
    const [sum] = await s.migrations.summary(job.id);
    assert.equal(sum!.copied, N);
  }));
}
