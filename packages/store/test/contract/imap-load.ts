/**
 * IMAP semantics under load: concurrent writers on one folder from two stores, a folder of
 * 100,000 messages, and migration 004's backfill of an existing database.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store, StoredMessage } from '../../src/index.ts';
import type { MakeTarget, Target } from '../harness.ts';
import { withStore } from '../harness.ts';
import { ref, setup } from './imap-fixtures.ts';

/** Deterministic pseudo-random integers (the race must be reproducible in what it asks). */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

/** Inserts `n` messages (UIDs 1..n, 1000 bytes, every third \Seen, modseq uid+1) by raw SQL. */
async function bulkInsert(s: Store, t: Target, folderId: number, mailboxId: number, n: number): Promise<void> {
  const cols = 'folder_id, uid, blob_id, size, internal_date, flags, modseq, seen, deleted';
  const pick = `cast(? as bigint), i, cast(? as text), 1000, cast(? as bigint) + i,
    case when i % 3 = 0 then cast(? as text) else '[]' end, i + 1, case when i % 3 = 0 then 1 else 0 end, 0`;
  const params = [folderId, ref(1, 1000).id, Date.UTC(2026, 0, 1), JSON.stringify(['\\Seen'])];
  if (s.dialect === 'sqlite') {
    await t.exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
      insert into messages (${cols}) select ${pick} from n`, [n, ...params]);
  } else {
    await t.exec(`insert into messages (${cols}) select ${pick} from generate_series(1, ${n}) as i`, params);
  }
  await t.exec('update folders set uid_next = ?, highest_modseq = ? where id = ?', [n + 1, n + 1, folderId]);
  await t.exec('update mailboxes set used_bytes = used_bytes + ? where id = ?', [n * 1000, mailboxId]);
}

export function imapLoadContract(make: MakeTarget): void {
  it('keeps modseqs, tombstones and counts consistent under concurrent writers from two stores', async () => {
    const t = await make();
    try {
      const [s1, s2] = [await t.open(), await t.open()];
      const { m, inbox } = await setup(s1, 30);
      // A third party resynchronizes by changesSince alone while the writers run.
      const mirror = new Map<number, string>();
      let since = 0;
      const poll = async () => {
        const ch = await s2.mailboxes.changesSince(inbox.id, since);
        for (const x of ch.changed) mirror.set(x.uid, JSON.stringify(x.flags));
        for (const u of ch.expunged) mirror.delete(u);
        assert.ok(ch.folder.highestModseq >= since);
        since = ch.folder.highestModseq;
      };
      let running = true;
      const poller = (async () => {
        while (running) {
          await poll();
          await sleep(2);
        }
      })();
      poller.catch(() => undefined); // awaited below, after the writers
      const appended: StoredMessage[] = [];
      const expunged: number[] = [];
      const storeModseqs: number[] = [];
      // The flags every message must end with, whatever the interleaving: worker k alone sets and
      // clears keyword Wk; \Seen and \Deleted are only ever added. A lost update (a STORE that
      // computed its result from flags another writer had just changed) shows up as a mismatch.
      const expected = new Map<number, Set<string>>();
      const want = (uid: number) => expected.get(uid) ?? expected.set(uid, new Set()).get(uid)!;
      const store = async (s: Store, uids: number[], op: 'add' | 'remove', flag: string) => {
        for (const u of uids) {
          if (op === 'add') want(u).add(flag);
          else want(u).delete(flag);
        }
        const r = await s.mailboxes.storeFlags(inbox.id, uids, op, [flag]);
        assert.equal(new Set(r.changed.map((x) => x.modseq)).size, Math.min(1, r.changed.length));
        if (r.changed[0] !== undefined) storeModseqs.push(r.changed[0].modseq);
      };
      const worker = async (s: Store, seed: number) => {
        const rnd = lcg(seed);
        for (let i = 0; i < 32; i++) {
          // Among the 20 newest UIDs, so that the writers keep meeting on the same messages.
          const max = (await s.mailboxes.getFolderById(inbox.id))!.uidNext - 1;
          const uids = Array.from({ length: 1 + rnd(6) }, () => max - rnd(20));
          switch (i % 4) {
            case 0: appended.push(await s.mailboxes.append({ mailboxId: m.id, blob: ref(1000 + seed * 100 + i, 10 + rnd(90)), internalDate: new Date() })); break;
            case 1: await store(s, uids, rnd(3) === 0 ? 'remove' : 'add', `W${seed}`); break;
            case 2: await store(s, uids, 'add', rnd(3) === 0 ? '\\Deleted' : '\\Seen'); break;
            default: expunged.push(...await s.mailboxes.expunge(inbox.id, rnd(2) === 0 ? undefined : uids));
          }
        }
      };
      // Settle every writer before anything can fail, so none is left running on a closed store
      // and the first real error (a deadlock, say) is the one reported.
      const settled = await Promise.allSettled([worker(s1, 1), worker(s2, 2), worker(s1, 3), worker(s2, 4)]);
      running = false;
      await poller;
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
      await poll();

      const folder = (await s1.mailboxes.getFolderById(inbox.id))!;
      const msgs = await s1.mailboxes.listMessages(inbox.id);
      assert.equal(new Set(expunged).size, expunged.length, 'no UID expunged twice');
      assert.equal(new Set(appended.map((x) => x.uid)).size, appended.length);
      assert.equal(msgs.length, 30 + appended.length - expunged.length);
      assert.equal(folder.uidNext, 31 + appended.length);
      const tombs = await t.exec('select uid, modseq from expunged where folder_id = ?', [inbox.id]);
      assert.deepEqual(tombs.map((r) => Number(r.uid)).sort((a, b) => a - b), [...expunged].sort((a, b) => a - b));
      // Every command that changed something had its own modseq, and the highest is the folder's.
      const commandModseqs = [...appended.map((x) => x.modseq), ...storeModseqs, ...new Set(tombs.map((r) => Number(r.modseq)))];
      assert.equal(new Set(commandModseqs).size, commandModseqs.length);
      assert.equal(folder.highestModseq, Math.max(...commandModseqs, ...msgs.map((x) => x.modseq)));
      for (const x of msgs) assert.deepEqual([...x.flags].sort(), [...(expected.get(x.uid) ?? [])].sort(), `flags of UID ${x.uid}`);
      // The mirror built from changesSince alone matches the folder.
      assert.deepEqual(new Map(msgs.map((x) => [x.uid, JSON.stringify(x.flags)])), mirror);
      const bytes = msgs.reduce((n, x) => n + x.size, 0);
      assert.equal((await s2.accounts.getMailboxById(m.id))!.usedBytes, bytes);
      const unseen = msgs.filter((x) => !x.flags.includes('\\Seen')).length;
      assert.deepEqual(await s2.mailboxes.folderStatus(inbox.id), { messages: msgs.length, unseen, bytes });
    } finally {
      await t.dispose();
    }
  });

  it('serves a folder of 100,000 messages: list, status, changes, get, store, expunge', async (ctx) => {
    await withStore(make, async (s, t) => {
      const N = 100_000;
      const { m, inbox } = await setup(s, 0, 1e12);
      const timings: string[] = [];
      const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const r = await fn();
        timings.push(`${what} ${Math.round(performance.now() - t0)} ms`);
        return r;
      };
      await timed('bulk insert', () => bulkInsert(s, t, inbox.id, m.id, N));
      const all = await timed('listMessages', () => s.mailboxes.listMessages(inbox.id));
      assert.equal(all.length, N);
      assert.deepEqual([all[0]!.uid, all[N - 1]!.uid, all[2]!.flags], [1, N, ['\\Seen']]);
      assert.deepEqual((await s.mailboxes.listMessages(inbox.id, { afterUid: N - 3 })).map((x) => x.uid), [N - 2, N - 1, N]);
      const seen = Math.floor(N / 3);
      assert.deepEqual(await timed('folderStatus', () => s.mailboxes.folderStatus(inbox.id)), { messages: N, unseen: N - seen, bytes: N * 1000 });
      const recent = await timed('changesSince (10)', () => s.mailboxes.changesSince(inbox.id, N - 9));
      assert.deepEqual(recent.changed.map((x) => x.uid), Array.from({ length: 10 }, (_, i) => N - 9 + i));
      assert.equal((await timed('changesSince (all)', () => s.mailboxes.changesSince(inbox.id, 0))).changed.length, N);
      const uids = all.map((x) => x.uid);
      assert.equal((await timed('getMessages (all)', () => s.mailboxes.getMessages(inbox.id, uids))).length, N);
      assert.equal((await s.mailboxes.getMessages(inbox.id, uids.filter((u) => u % 2 === 0))).length, N / 2);

      const h0 = (await s.mailboxes.getFolderById(inbox.id))!.highestModseq;
      const st = await timed('storeFlags +\\Seen (all)', () => s.mailboxes.storeFlags(inbox.id, uids, 'add', ['\\Seen']));
      assert.equal(st.changed.length, N - seen);
      assert.equal((await s.mailboxes.folderStatus(inbox.id)).unseen, 0);
      assert.equal((await s.mailboxes.changesSince(inbox.id, h0)).changed.length, N - seen);
      const odd = uids.filter((u) => u % 2 === 1);
      await timed('storeFlags +\\Deleted (half)', () => s.mailboxes.storeFlags(inbox.id, odd, 'add', ['\\Deleted']));
      const h1 = (await s.mailboxes.getFolderById(inbox.id))!.highestModseq;
      assert.deepEqual(await timed('expunge (half)', () => s.mailboxes.expunge(inbox.id)), odd);
      assert.deepEqual(await s.mailboxes.folderStatus(inbox.id), { messages: N / 2, unseen: 0, bytes: (N / 2) * 1000 });
      assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, (N / 2) * 1000);
      const after = await timed('changesSince (expunged)', () => s.mailboxes.changesSince(inbox.id, h1));
      assert.deepEqual([after.changed.length, after.expunged.length], [0, N / 2]);
      ctx.diagnostic(`${s.dialect} 100k: ${timings.join(', ')}`);
    });
  });

  it('migration 004 derives seen/deleted from the flags already stored', () => withStore(make, async (s, t) => {
    const { m, inbox } = await setup(s, 0);
    // Back to the schema before 004, with messages written then.
    for (const q of ['drop index messages_folder_deleted', 'drop index messages_folder_modseq', 'drop table expunged',
      'drop table subscriptions', 'alter table messages drop column seen', 'alter table messages drop column deleted',
      "delete from store_migrations where name = '004-imap'"]) await t.exec(q);
    const flags = [['\\SEEN'], ['\\Deleted', 'x'], ['$seen', 'Seen'], ['\\Seen', '\\deleted'], []];
    for (const [i, f] of flags.entries()) {
      await t.exec(`insert into messages (folder_id, uid, blob_id, size, internal_date, flags, modseq)
        values (?, ?, ?, 10, 0, ?, ?)`, [inbox.id, i + 1, ref(i, 10).id, JSON.stringify(f), i + 2]);
    }
    await t.exec('update folders set uid_next = 6, highest_modseq = 6 where id = ?', [inbox.id]);
    await t.exec('update mailboxes set used_bytes = 50 where id = ?', [m.id]);
    const s2 = await t.open();
    assert.deepEqual(await s2.mailboxes.folderStatus(inbox.id), { messages: 5, unseen: 3, bytes: 50 });
    assert.deepEqual(await s2.mailboxes.expunge(inbox.id), [2, 4]);
    assert.equal((await s2.accounts.getMailboxById(m.id))!.usedBytes, 30);
  }));
}
