import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BlobRef } from '../../src/index.ts';
import { codeOf, newMailbox, withStore, type MakeTarget } from '../harness.ts';

/** A blob reference for metadata tests (appends do not read the bytes). */
function ref(n: number, size: number): BlobRef {
  return { id: n.toString(16).padStart(64, '0'), size };
}

export function mailboxesContract(make: MakeTarget): void {
  it('creates folders, refuses duplicates, treats INBOX case-insensitively', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test'));
    const sent = await s.mailboxes.createFolder(m.id, 'Sent', '\\Sent');
    assert.equal(sent.specialUse, '\\Sent');
    assert.equal(sent.uidNext, 1);
    const sub = await s.mailboxes.createFolder(m.id, 'Archive/2026');
    assert.equal(sub.specialUse, null);
    assert.equal(await codeOf(s.mailboxes.createFolder(m.id, 'Sent')), 'FOLDER_EXISTS');
    assert.equal(await codeOf(s.mailboxes.createFolder(m.id, 'inbox')), 'FOLDER_EXISTS');
    assert.equal(await codeOf(s.mailboxes.createFolder(m.id + 99, 'X')), 'MAILBOX_NOT_FOUND');
    assert.equal(await codeOf(s.mailboxes.createFolder(m.id, '')), 'INVALID_INPUT');
    assert.equal((await s.mailboxes.getFolder(m.id, 'inbox'))?.name, 'INBOX');
    assert.deepEqual(await s.mailboxes.getFolder(m.id, 'Sent'), sent);
    assert.equal(await s.mailboxes.getFolder(m.id, 'sent'), undefined);
    assert.deepEqual((await s.mailboxes.listFolders(m.id)).map((f) => f.name).sort(), ['Archive/2026', 'INBOX', 'Sent']);
  }));

  it('appends with increasing UIDs, bumping uidNext, highestModseq and usage', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test', 10_000));
    const inbox0 = (await s.mailboxes.getFolder(m.id, 'INBOX'))!;
    const date = new Date('2026-02-03T04:05:06.789Z');
    const a = await s.mailboxes.append({ mailboxId: m.id, blob: ref(1, 100), internalDate: date, flags: ['\\Seen', '$Certified'] });
    const b = await s.mailboxes.append({ mailboxId: m.id, folder: 'inbox', blob: ref(2, 200), internalDate: date });
    assert.deepEqual([a.uid, b.uid], [1, 2]);
    assert.ok(b.modseq > a.modseq && a.modseq > inbox0.highestModseq);
    assert.deepEqual(a.flags, ['\\Seen', '$Certified']);
    assert.deepEqual(b.flags, []);
    assert.equal(a.internalDate.getTime(), date.getTime());
    assert.equal(a.blobId, ref(1, 100).id);
    const inbox = (await s.mailboxes.getFolder(m.id, 'INBOX'))!;
    assert.equal(inbox.uidNext, 3);
    assert.equal(inbox.highestModseq, b.modseq);
    assert.equal(inbox.uidValidity, inbox0.uidValidity);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 300);

    // Each folder counts its own UIDs.
    await s.mailboxes.createFolder(m.id, 'Other');
    assert.equal((await s.mailboxes.append({ mailboxId: m.id, folder: 'Other', blob: ref(3, 1), internalDate: date })).uid, 1);

    for (let i = 0; i < 5; i++) await s.mailboxes.append({ mailboxId: m.id, blob: ref(10 + i, 10), internalDate: date });
    assert.equal(await s.mailboxes.countMessages(inbox.id), 7);
    assert.deepEqual((await s.mailboxes.listMessages(inbox.id)).map((x) => x.uid), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual((await s.mailboxes.listMessages(inbox.id, { afterUid: 3, limit: 2 })).map((x) => x.uid), [4, 5]);
    assert.deepEqual(await s.mailboxes.listMessages(inbox.id, { afterUid: 2, limit: 1 }), [(await s.mailboxes.listMessages(inbox.id))[2]]);
  }));

  it('never reuses a UID, even after the highest message is deleted', () => withStore(make, async (s, t) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test'));
    const d = new Date();
    for (let i = 0; i < 3; i++) await s.mailboxes.append({ mailboxId: m.id, blob: ref(i, 1), internalDate: d });
    const inbox = (await s.mailboxes.getFolder(m.id, 'INBOX'))!;
    await t.exec('delete from messages where folder_id = ? and uid >= 2', [inbox.id]);
    const next = await s.mailboxes.append({ mailboxId: m.id, blob: ref(9, 1), internalDate: d });
    assert.equal(next.uid, 4);
    assert.deepEqual((await s.mailboxes.listMessages(inbox.id)).map((x) => x.uid), [1, 4]);
  }));

  it('refuses appends beyond the quota with QUOTA_EXCEEDED, changing nothing', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test', 1000));
    const d = new Date();
    await s.mailboxes.append({ mailboxId: m.id, blob: ref(1, 600), internalDate: d });
    assert.equal(await codeOf(s.mailboxes.append({ mailboxId: m.id, blob: ref(2, 401), internalDate: d })), 'QUOTA_EXCEEDED');
    const inbox = (await s.mailboxes.getFolder(m.id, 'INBOX'))!;
    assert.equal(inbox.uidNext, 2);
    assert.equal(await s.mailboxes.countMessages(inbox.id), 1);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 600);
    // Exactly filling the quota is allowed.
    await s.mailboxes.append({ mailboxId: m.id, blob: ref(3, 400), internalDate: d });
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 1000);
    assert.equal(await codeOf(s.mailboxes.append({ mailboxId: m.id + 50, blob: ref(4, 1), internalDate: d })), 'MAILBOX_NOT_FOUND');
    assert.equal(await codeOf(s.mailboxes.append({ mailboxId: m.id, folder: 'Nope', blob: ref(4, 0), internalDate: d })), 'FOLDER_NOT_FOUND');
  }));

  it('lets only one of two concurrent appends pass when only one fits (two store instances)', async () => {
    const t = await make();
    try {
      const s1 = await t.open();
      const s2 = await t.open();
      const m = await s1.accounts.addMailbox(newMailbox('a@x.test', 1000));
      const d = new Date();
      for (let round = 0; round < 5; round++) {
        await s1.accounts.updateMailbox(m.address, { quotaBytes: (round + 1) * 1000 });
        const results = await Promise.allSettled([
          s1.mailboxes.append({ mailboxId: m.id, blob: ref(round * 2, 600), internalDate: d }),
          s2.mailboxes.append({ mailboxId: m.id, blob: ref(round * 2 + 1, 600), internalDate: d }),
        ]);
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(ok.length, 1, `round ${round}`);
        assert.equal(failed[0]?.reason?.code, 'QUOTA_EXCEEDED');
        // Top the usage up to the quota so that the next round starts full again.
        await s1.mailboxes.append({ mailboxId: m.id, blob: ref(100 + round, 400), internalDate: d });
      }
      const inbox = (await s1.mailboxes.getFolder(m.id, 'INBOX'))!;
      assert.equal((await s2.accounts.getMailboxById(m.id))!.usedBytes, 5000);
      const uids = (await s2.mailboxes.listMessages(inbox.id)).map((x) => x.uid);
      assert.deepEqual(uids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await t.dispose();
    }
  });

  it('assigns distinct UIDs to many concurrent appends from two store instances', async () => {
    const t = await make();
    try {
      const [s1, s2] = [await t.open(), await t.open()];
      const m = await s1.accounts.addMailbox(newMailbox('a@x.test', 1_000_000));
      const d = new Date();
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? s1 : s2).mailboxes.append({ mailboxId: m.id, blob: ref(i, 10), internalDate: d })));
      const uids = all.map((x) => x.uid).sort((a, b) => a - b);
      assert.deepEqual(uids, Array.from({ length: 40 }, (_, i) => i + 1));
      assert.equal(new Set(all.map((x) => x.modseq)).size, 40);
      assert.equal((await s1.accounts.getMailboxById(m.id))!.usedBytes, 400);
    } finally {
      await t.dispose();
    }
  });
}
