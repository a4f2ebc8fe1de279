import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { codeOf, newMailbox, withStore, type MakeTarget } from '../harness.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function blobsContract(make: MakeTarget): void {
  it('stores content-addressed, fsynced files with the exact bytes at blobs/ab/cd/<hash>', () => withStore(make, async (s, t) => {
    const parts = [Buffer.from('Received: x\r\n'), new Uint8Array(0), Buffer.from([0, 255, 13, 10, 128])];
    const whole = Buffer.concat(parts);
    const ref = await s.blobs.put(parts);
    assert.equal(ref.id, sha256(whole));
    assert.equal(ref.size, whole.length);
    const file = join(t.dataDir, 'blobs', ref.id.slice(0, 2), ref.id.slice(2, 4), ref.id);
    assert.deepEqual(await readFile(file), whole);
    assert.ok(Buffer.from(await s.blobs.get(ref.id)).equals(whole));
    assert.equal(await s.blobs.has(ref.id), true);
    // head: the first bytes only, or all of them when fewer.
    assert.deepEqual(Buffer.from(await s.blobs.head(ref.id, 5)), whole.subarray(0, 5));
    assert.deepEqual(Buffer.from(await s.blobs.head(ref.id, 1000)), whole);
    assert.equal((await s.blobs.head(ref.id, 0)).length, 0);
    assert.equal(await codeOf(s.blobs.head('0'.repeat(64), 10)), 'BLOB_NOT_FOUND');
    // No temporary file is left next to it.
    assert.deepEqual(await readdir(join(file, '..')), [ref.id]);

    // Same bytes, chunked differently: same id, and the file is not rewritten.
    const before = await stat(file);
    await new Promise((r) => setTimeout(r, 20));
    const again = await s.blobs.put([whole.subarray(0, 3), whole.subarray(3)]);
    assert.deepEqual(again, ref);
    const after = await stat(file);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);

    const empty = await s.blobs.put([]);
    assert.equal(empty.size, 0);
    assert.equal((await s.blobs.get(empty.id)).length, 0);
  }));

  it('reports missing blobs: has false, get BLOB_NOT_FOUND, delete idempotent', () => withStore(make, async (s) => {
    const missing = 'f'.repeat(64);
    assert.equal(await s.blobs.has(missing), false);
    assert.equal(await s.blobs.has('../../etc/passwd'), false);
    assert.equal(await codeOf(s.blobs.get(missing)), 'BLOB_NOT_FOUND');
    assert.equal(await codeOf(s.blobs.get('../x')), 'BLOB_NOT_FOUND');
    const ref = await s.blobs.put([Buffer.from('bye')]);
    await s.blobs.delete(ref.id);
    await s.blobs.delete(ref.id);
    assert.equal(await s.blobs.has(ref.id), false);
    assert.equal(await codeOf(s.blobs.get(ref.id)), 'BLOB_NOT_FOUND');
  }));

  it('refuses to delete a blob a message or an outbox entry still references', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test'));
    const inMailbox = await s.blobs.put([Buffer.from('message')]);
    const inOutbox = await s.blobs.put([Buffer.from('receipt')]);
    await s.mailboxes.append({ mailboxId: m.id, blob: inMailbox, internalDate: new Date() });
    await s.outbox.add({ key: 'k', blobId: inOutbox.id, mailFrom: 'a@x.test', rcptTo: ['b@y.test'], domain: 'y.test' });
    assert.equal(await codeOf(s.blobs.delete(inMailbox.id)), 'BLOB_IN_USE');
    assert.equal(await codeOf(s.blobs.delete(inOutbox.id)), 'BLOB_IN_USE');
    assert.equal(await s.blobs.has(inMailbox.id), true);
  }));

  it('puts a 30 MB blob from 30 chunks of 1 MB and reads it back exactly', () => withStore(make, async (s, t) => {
    const chunks = Array.from({ length: 30 }, () => randomBytes(1024 * 1024));
    const expected = createHash('sha256');
    for (const c of chunks) expected.update(c);
    const ref = await s.blobs.put(chunks);
    assert.equal(ref.id, expected.digest('hex'));
    assert.equal(ref.size, 30 * 1024 * 1024);
    const back = await s.blobs.get(ref.id);
    assert.equal(back.length, ref.size);
    assert.equal(sha256(back), ref.id);
    assert.ok(Buffer.from(back.subarray(29 * 1024 * 1024)).equals(chunks[29]!));
    assert.equal((await stat(join(t.dataDir, 'blobs', ref.id.slice(0, 2), ref.id.slice(2, 4), ref.id))).size, ref.size);
  }));
}
