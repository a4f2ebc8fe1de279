import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../../src/index.ts';
import { codeOf, newMailbox, withStore, type MakeTarget } from '../harness.ts';
import { DATE, ref, setup } from './imap-fixtures.ts';
import { imapLoadContract } from './imap-load.ts';

async function high(s: Store, folderId: number): Promise<number> {
  return (await s.mailboxes.getFolderById(folderId))!.highestModseq;
}

async function flagsOf(s: Store, folderId: number): Promise<Record<number, readonly string[]>> {
  return Object.fromEntries((await s.mailboxes.listMessages(folderId)).map((x) => [x.uid, x.flags]));
}

export function imapContract(make: MakeTarget): void {
  it('appends a batch with consecutive UIDs and one modseq, or nothing when over quota', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 1);
    const before = await high(s, inbox.id);
    const got = await s.mailboxes.appendMany(m.id, 'INBOX', [
      { blob: ref(7, 10), internalDate: DATE, flags: ['\\Seen', '\\SEEN'] }, { blob: ref(8, 20), internalDate: DATE }, { blob: ref(7, 10), internalDate: DATE, flags: ['K'] },
    ]);
    assert.deepEqual(got.map((x) => [x.uid, x.flags, x.size]), [[2, ['\\Seen'], 10], [3, [], 20], [4, ['K'], 10]]);
    assert.ok(got.every((x) => x.modseq === before + 1));
    assert.equal((await s.mailboxes.getFolderById(inbox.id))!.uidNext, 5);
    assert.deepEqual(await s.mailboxes.folderStatus(inbox.id), { messages: 4, unseen: 3, bytes: 140 });
    const used = (await s.accounts.getMailboxById(m.id))!.usedBytes;
    const huge = Array.from({ length: 3 }, () => ({ blob: ref(9, m.quotaBytes), internalDate: DATE }));
    assert.equal(await codeOf(s.mailboxes.appendMany(m.id, 'INBOX', huge)), 'QUOTA_EXCEEDED');
    assert.equal(await s.mailboxes.countMessages(inbox.id), 4, 'nothing appended');
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, used);
    assert.equal(await codeOf(s.mailboxes.appendMany(m.id, 'Nowhere', huge)), 'FOLDER_NOT_FOUND');
    assert.deepEqual(await s.mailboxes.appendMany(m.id, 'INBOX', []), []);
  }));

  it('stores flags: set, add, remove, case-insensitively, without duplicates or \\Recent', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 3);
    assert.deepEqual(await s.mailboxes.getFolderById(inbox.id), inbox);
    assert.equal(await s.mailboxes.getFolderById(inbox.id + 1000), undefined);
    const a = await s.mailboxes.storeFlags(inbox.id, [1, 2], 'add', ['\\Seen', '$Label1', '\\SEEN', '\\Recent']);
    assert.deepEqual(a.changed.map((x) => [x.uid, x.flags]), [[1, ['\\Seen', '$Label1']], [2, ['\\Seen', '$Label1']]]);
    assert.deepEqual(a.modified, []);
    // Adding what is there in another case changes nothing: same modseq, not reported.
    const before = await high(s, inbox.id);
    const noop = await s.mailboxes.storeFlags(inbox.id, [1, 2, 99], 'add', ['\\seen', '$label1']);
    assert.deepEqual(noop, { changed: [], modified: [] });
    assert.equal(await high(s, inbox.id), before);
    // Removal matches any case; the first spelling stays for the rest.
    await s.mailboxes.storeFlags(inbox.id, [1], 'remove', ['$LABEL1']);
    await s.mailboxes.storeFlags(inbox.id, [2], 'add', ['\\Flagged']);
    await s.mailboxes.storeFlags(inbox.id, [3], 'set', ['\\Answered', '\\answered', '\\Draft']);
    assert.deepEqual(await flagsOf(s, inbox.id), { 1: ['\\Seen'], 2: ['\\Seen', '$Label1', '\\Flagged'], 3: ['\\Answered', '\\Draft'] });
    // set keeps the stored spelling of flags it keeps, drops the others, appends the new ones.
    const set = await s.mailboxes.storeFlags(inbox.id, [2], 'set', ['$LABEL1', 'Work', '\\Recent']);
    assert.deepEqual(set.changed[0]?.flags, ['$Label1', 'Work']);
    assert.deepEqual((await s.mailboxes.storeFlags(inbox.id, [2], 'set', ['work', '$label1'])).changed, []);
    assert.deepEqual((await s.mailboxes.storeFlags(inbox.id, [3], 'set', [])).changed[0]?.flags, []);
    // Appends are normalized the same way.
    const ap = await s.mailboxes.append({ mailboxId: m.id, blob: ref(9, 1), internalDate: DATE, flags: ['\\Recent', 'X', 'x', '\\Seen'] });
    assert.deepEqual(ap.flags, ['X', '\\Seen']);
    assert.deepEqual((await s.mailboxes.getMessages(inbox.id, [ap.uid]))[0]?.flags, ['X', '\\Seen']);
    for (const bad of ['', 'a b', 'a(b', '\\Se\\en', 'é']) {
      assert.equal(await codeOf(s.mailboxes.storeFlags(inbox.id, [1], 'add', [bad])), 'INVALID_INPUT', bad);
    }
    assert.equal(await codeOf(s.mailboxes.storeFlags(inbox.id, [0], 'add', ['x'])), 'INVALID_INPUT');
    assert.equal(await codeOf(s.mailboxes.storeFlags(inbox.id + 1000, [1], 'add', ['x'])), 'FOLDER_NOT_FOUND');
  }));

  it('gives every change a modseq above the previous highest and reports it in changesSince', () => withStore(make, async (s) => {
    const { inbox } = await setup(s, 4);
    let last = await high(s, inbox.id);
    const ops: [number[], 'add' | 'remove' | 'set', string[]][] = [
      [[1, 2, 3], 'add', ['\\Seen']], [[2], 'remove', ['\\Seen']], [[4, 1], 'set', ['K']], [[3], 'add', ['\\Deleted']],
    ];
    for (const [uids, op, flags] of ops) {
      const r = await s.mailboxes.storeFlags(inbox.id, uids, op, flags);
      const now = await high(s, inbox.id);
      assert.ok(now > last);
      for (const x of r.changed) assert.ok(x.modseq > last && x.modseq <= now);
      const ch = await s.mailboxes.changesSince(inbox.id, last);
      assert.deepEqual(ch.changed.map((x) => x.uid), r.changed.map((x) => x.uid).sort((a, b) => a - b));
      assert.deepEqual(ch.changed, [...r.changed].sort((a, b) => a.uid - b.uid));
      assert.equal(ch.folder.highestModseq, now);
      last = now;
    }
    assert.deepEqual(await s.mailboxes.changesSince(inbox.id, last), { folder: (await s.mailboxes.getFolderById(inbox.id))!, changed: [], expunged: [] });
    assert.equal((await s.mailboxes.changesSince(inbox.id, 0)).changed.length, 4);
    assert.equal(await codeOf(s.mailboxes.changesSince(inbox.id + 1000, 0)), 'FOLDER_NOT_FOUND');
    assert.equal(await codeOf(s.mailboxes.changesSince(inbox.id, -1)), 'INVALID_INPUT');
  }));

  it('honours UNCHANGEDSINCE: newer messages are left alone and listed as modified', () => withStore(make, async (s) => {
    const { inbox } = await setup(s, 3);
    const h0 = await high(s, inbox.id);
    await s.mailboxes.storeFlags(inbox.id, [2], 'add', ['\\Flagged']);
    const r = await s.mailboxes.storeFlags(inbox.id, [1, 2, 3], 'add', ['\\Seen'], { unchangedSince: h0 });
    assert.deepEqual(r.changed.map((x) => x.uid), [1, 3]);
    assert.deepEqual(r.modified, [2]);
    assert.deepEqual(await flagsOf(s, inbox.id), { 1: ['\\Seen'], 2: ['\\Flagged'], 3: ['\\Seen'] });
    // Messages appended at modseq 2..4: unchangedSince 0 refuses them all.
    assert.deepEqual((await s.mailboxes.storeFlags(inbox.id, [1, 2], 'set', [], { unchangedSince: 0 })).modified, [1, 2]);
  }));

  it('expunges \\Deleted messages (all, or among UIDs), frees usage, records tombstones', () => withStore(make, async (s, t) => {
    const { m, inbox } = await setup(s, 6);
    assert.deepEqual(await s.mailboxes.expunge(inbox.id), []);
    await s.mailboxes.storeFlags(inbox.id, [2, 3, 5], 'add', ['\\DELETED']);
    const h1 = await high(s, inbox.id);
    assert.deepEqual(await s.mailboxes.expunge(inbox.id, [5, 6, 3, 99]), [3, 5]);
    const h2 = await high(s, inbox.id);
    assert.ok(h2 > h1);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 400);
    assert.deepEqual((await s.mailboxes.listMessages(inbox.id)).map((x) => x.uid), [1, 2, 4, 6]);
    assert.deepEqual(await s.mailboxes.expunge(inbox.id), [2]);
    const ch = await s.mailboxes.changesSince(inbox.id, h1);
    assert.deepEqual(ch.expunged, [2, 3, 5]);
    assert.deepEqual(ch.changed, []);
    assert.deepEqual((await s.mailboxes.changesSince(inbox.id, h2)).expunged, [2]);
    const rows = await t.exec('select uid, modseq from expunged where folder_id = ? order by uid', [inbox.id]);
    assert.deepEqual(rows.map((r) => Number(r.modseq) > h1), [true, true, true]);
    // UIDs are not reused after an expunge.
    assert.equal((await s.mailboxes.append({ mailboxId: m.id, blob: ref(50, 1), internalDate: DATE })).uid, 7);
    assert.equal(await codeOf(s.mailboxes.expunge(inbox.id + 1000)), 'FOLDER_NOT_FOUND');
  }));

  it('copies with a UID mapping and quota charge; refuses over quota copying nothing', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 3, 700);
    const arch = await s.mailboxes.createFolder(m.id, 'Archive');
    await s.mailboxes.storeFlags(inbox.id, [2], 'add', ['\\Seen', 'K']);
    const r = await s.mailboxes.copyMessages(inbox.id, [3, 2, 42], arch.id);
    assert.deepEqual(r, { uidValidity: arch.uidValidity, mapping: [[2, 1], [3, 2]] });
    const copies = await s.mailboxes.listMessages(arch.id);
    assert.deepEqual(copies.map((x) => [x.uid, x.flags, x.blobId, x.internalDate.getTime()]),
      [[1, ['\\Seen', 'K'], ref(2, 100).id, DATE.getTime()], [2, [], ref(3, 100).id, DATE.getTime()]]);
    assert.equal(copies[0]!.modseq, copies[1]!.modseq);
    assert.ok(copies[0]!.modseq > arch.highestModseq);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 500);
    assert.deepEqual(await s.mailboxes.folderStatus(arch.id), { messages: 2, unseen: 1, bytes: 200 });
    // 300 more bytes do not fit in 700: nothing is copied, no counter moves.
    const before = await s.mailboxes.getFolderById(arch.id);
    assert.equal(await codeOf(s.mailboxes.copyMessages(inbox.id, [1, 2, 3], arch.id)), 'QUOTA_EXCEEDED');
    assert.deepEqual(await s.mailboxes.getFolderById(arch.id), before);
    assert.equal(await s.mailboxes.countMessages(arch.id), 2);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 500);
    assert.deepEqual(await s.mailboxes.copyMessages(inbox.id, [77], arch.id), { uidValidity: arch.uidValidity, mapping: [] });
    const other = await s.accounts.addMailbox(newMailbox('b@x.test'));
    const otherInbox = (await s.mailboxes.getFolder(other.id, 'INBOX'))!;
    assert.equal(await codeOf(s.mailboxes.copyMessages(inbox.id, [1], otherInbox.id)), 'INVALID_INPUT');
    assert.equal(await codeOf(s.mailboxes.copyMessages(inbox.id, [1], arch.id + 1000)), 'FOLDER_NOT_FOUND');
  }));

  it('moves: destination gets the messages, source tombstones them, usage unchanged', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 4, 400);
    const arch = await s.mailboxes.createFolder(m.id, 'Archive');
    const h0 = await high(s, inbox.id);
    // A full quota does not stop a move.
    const r = await s.mailboxes.copyMessages(inbox.id, [1, 3], arch.id, { move: true });
    assert.deepEqual(r.mapping, [[1, 1], [3, 2]]);
    assert.deepEqual((await s.mailboxes.listMessages(inbox.id)).map((x) => x.uid), [2, 4]);
    assert.deepEqual((await s.mailboxes.changesSince(inbox.id, h0)).expunged, [1, 3]);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 400);
    // Moving within one folder renumbers.
    const self = await s.mailboxes.copyMessages(arch.id, [1], arch.id, { move: true });
    assert.deepEqual(self.mapping, [[1, 3]]);
    assert.deepEqual((await s.mailboxes.listMessages(arch.id)).map((x) => x.uid), [2, 3]);
    assert.deepEqual((await s.mailboxes.changesSince(arch.id, 0)).expunged, [1]);
    assert.deepEqual(await s.mailboxes.folderStatus(inbox.id), { messages: 2, unseen: 2, bytes: 200 });
  }));

  it('renames a folder with its children; refuses missing, existing and self-nested targets', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test'));
    const a = await s.mailboxes.createFolder(m.id, 'a', '\\Archive');
    await s.mailboxes.createFolder(m.id, 'a/x');
    await s.mailboxes.createFolder(m.id, 'a/x/y');
    await s.mailboxes.createFolder(m.id, 'ab');
    await s.mailboxes.createFolder(m.id, 'c/x');
    await s.mailboxes.append({ mailboxId: m.id, folder: 'a/x', blob: ref(1, 10), internalDate: DATE });
    const b = await s.mailboxes.renameFolder(m.id, 'a', 'b');
    assert.deepEqual(b, { ...a, name: 'b' });
    const names = async () => (await s.mailboxes.listFolders(m.id)).map((f) => f.name).sort();
    assert.deepEqual(await names(), ['INBOX', 'ab', 'b', 'b/x', 'b/x/y', 'c/x']);
    assert.equal(await s.mailboxes.countMessages((await s.mailboxes.getFolder(m.id, 'b/x'))!.id), 1);
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'b', 'b/z')), 'INVALID_INPUT');
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'b', 'ab')), 'FOLDER_EXISTS');
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'b', 'inbox')), 'FOLDER_EXISTS');
    // c/x exists, so renaming b (with b/x) to c would collide on a child: nothing is renamed.
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'b', 'c')), 'FOLDER_EXISTS');
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'nope', 'z')), 'FOLDER_NOT_FOUND');
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'b', '/bad')), 'INVALID_INPUT');
    assert.deepEqual(await names(), ['INBOX', 'ab', 'b', 'b/x', 'b/x/y', 'c/x']);
    // Up the hierarchy: p/q → p turns p/q/q into p/q, a name free only once p/q has moved.
    const deep = await s.mailboxes.createFolder(m.id, 'p/q/q/q');
    await s.mailboxes.createFolder(m.id, 'p/q');
    await s.mailboxes.createFolder(m.id, 'p/q/q');
    await s.mailboxes.renameFolder(m.id, 'p/q', 'p');
    assert.deepEqual(await names(), ['INBOX', 'ab', 'b', 'b/x', 'b/x/y', 'c/x', 'p', 'p/q', 'p/q/q']);
    assert.equal((await s.mailboxes.getFolderById(deep.id))?.name, 'p/q/q');
  }));

  it('renames INBOX by moving its messages to a new folder; INBOX stays, empty', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 3);
    await s.mailboxes.createFolder(m.id, 'INBOX/keep');
    await s.mailboxes.storeFlags(inbox.id, [2], 'add', ['\\Seen']);
    const h0 = await high(s, inbox.id);
    const old = await s.mailboxes.renameFolder(m.id, 'inbox', 'INBOX/old');
    assert.equal(old.name, 'INBOX/old');
    assert.notEqual(old.uidValidity, inbox.uidValidity);
    assert.deepEqual((await s.mailboxes.listMessages(old.id)).map((x) => [x.uid, x.flags]), [[1, []], [2, ['\\Seen']], [3, []]]);
    assert.equal(old.uidNext, 4);
    const now = (await s.mailboxes.getFolder(m.id, 'INBOX'))!;
    assert.equal(now.id, inbox.id);
    assert.equal(now.uidValidity, inbox.uidValidity);
    assert.equal(await s.mailboxes.countMessages(inbox.id), 0);
    assert.deepEqual((await s.mailboxes.changesSince(inbox.id, h0)).expunged, [1, 2, 3]);
    assert.ok((await s.mailboxes.getFolder(m.id, 'INBOX/keep')) !== undefined);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 300);
    assert.equal((await s.mailboxes.append({ mailboxId: m.id, blob: ref(7, 1), internalDate: DATE })).uid, 4);
    assert.equal(await codeOf(s.mailboxes.renameFolder(m.id, 'INBOX', 'INBOX/old')), 'FOLDER_EXISTS');
    // An empty INBOX renames to an empty folder.
    const m2 = await s.accounts.addMailbox(newMailbox('b@x.test'));
    assert.equal((await s.mailboxes.renameFolder(m2.id, 'INBOX', 'Old')).uidNext, 1);
  }));

  it('deletes folders (not INBOX), freeing usage and tombstones; children stay', () => withStore(make, async (s, t) => {
    const { m, inbox } = await setup(s, 1);
    const a = await s.mailboxes.createFolder(m.id, 'a');
    await s.mailboxes.createFolder(m.id, 'a/b');
    for (let i = 0; i < 3; i++) await s.mailboxes.append({ mailboxId: m.id, folder: 'a', blob: ref(10 + i, 50), internalDate: DATE });
    await s.mailboxes.storeFlags(a.id, [1], 'add', ['\\Deleted']);
    await s.mailboxes.expunge(a.id);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 200);
    await s.mailboxes.deleteFolder(m.id, 'a');
    assert.deepEqual((await s.mailboxes.listFolders(m.id)).map((f) => f.name).sort(), ['INBOX', 'a/b']);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 100);
    assert.deepEqual(await t.exec('select uid from expunged where folder_id = ?', [a.id]), []);
    assert.deepEqual(await t.exec('select uid from messages where folder_id = ?', [a.id]), []);
    assert.equal(await codeOf(s.mailboxes.deleteFolder(m.id, 'a')), 'FOLDER_NOT_FOUND');
    assert.equal(await codeOf(s.mailboxes.deleteFolder(m.id, 'Inbox')), 'INVALID_INPUT');
    assert.equal(await codeOf(s.mailboxes.deleteFolder(m.id + 50, 'a/b')), 'MAILBOX_NOT_FOUND');
    // Recreated under the same name: a new UIDVALIDITY (RFC 3501 §2.3.1.1).
    assert.notEqual((await s.mailboxes.createFolder(m.id, 'a')).uidValidity, a.uidValidity);
    assert.equal(await s.mailboxes.countMessages(inbox.id), 1);
  }));

  it('reports STATUS counts and keeps subscriptions as names', () => withStore(make, async (s) => {
    const { m, inbox } = await setup(s, 5);
    await s.mailboxes.storeFlags(inbox.id, [1, 3], 'add', ['\\SEEN']);
    assert.deepEqual(await s.mailboxes.folderStatus(inbox.id), { messages: 5, unseen: 3, bytes: 500 });
    await s.mailboxes.storeFlags(inbox.id, [3], 'set', ['\\Flagged']);
    assert.deepEqual(await s.mailboxes.folderStatus(inbox.id), { messages: 5, unseen: 4, bytes: 500 });
    const empty = await s.mailboxes.createFolder(m.id, 'Empty');
    assert.deepEqual(await s.mailboxes.folderStatus(empty.id), { messages: 0, unseen: 0, bytes: 0 });
    assert.equal(await codeOf(s.mailboxes.folderStatus(empty.id + 1000)), 'FOLDER_NOT_FOUND');

    assert.deepEqual(await s.mailboxes.listSubscriptions(m.id), []);
    await s.mailboxes.setSubscribed(m.id, 'inbox', true);
    await s.mailboxes.setSubscribed(m.id, 'Empty', true);
    await s.mailboxes.setSubscribed(m.id, 'Empty', true);
    await s.mailboxes.setSubscribed(m.id, 'Not/There', true);
    assert.deepEqual(await s.mailboxes.listSubscriptions(m.id), ['Empty', 'INBOX', 'Not/There']);
    await s.mailboxes.deleteFolder(m.id, 'Empty');
    await s.mailboxes.setSubscribed(m.id, 'Not/There', false);
    await s.mailboxes.setSubscribed(m.id, 'Never', false);
    assert.deepEqual(await s.mailboxes.listSubscriptions(m.id), ['Empty', 'INBOX']);
    assert.equal(await codeOf(s.mailboxes.setSubscribed(m.id + 50, 'x', true)), 'MAILBOX_NOT_FOUND');
  }));

  imapLoadContract(make);
}
