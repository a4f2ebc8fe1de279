// A source folder renumbered between two runs (its UIDVALIDITY changed: the old provider rebuilt
// its index) is new to the identity map; its messages already in the destination are recognised
// by content instead of being appended a second time, true duplicates keeping their count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyMailbox } from '../src/index.ts';
import { defaults, DST, fill, freshMap, mailboxJob, message, readAll, recapitoPair, sampleMailbox, sha, SRC } from './copy-support.ts';

test('a renumbered source folder: nothing is copied twice, only what is new', async (t) => {
  const pair = await recapitoPair(t);
  const map = await freshMap(t);
  const msgs = sampleMailbox();
  await fill(pair, SRC, msgs);
  assert.equal((await copyMailbox(mailboxJob(pair, map, defaults))).status, 'success');
  const before = await readAll(pair, DST);
  assert.equal(before.get('INBOX')!.length, 5);

  const inbox = pair.users[SRC]!.folders.get('INBOX')!;
  inbox.uidValidity += 1;
  const dup = msgs[2]!;
  await fill(pair, SRC, [{ folder: 'INBOX', bytes: message(40), flags: [], date: new Date(Date.UTC(2022, 1, 1)) }, dup]);
  const second = await copyMailbox(mailboxJob(pair, map, defaults));
  assert.equal(second.status, 'success', JSON.stringify(second));
  const report = second.folders.find((f) => f.source === 'INBOX')!;
  assert.deepEqual({ copied: report.copied, skipped: report.skipped, rematched: report.rematched, verified: report.verified },
    { copied: 2, skipped: 5, rematched: 5, verified: 7 });
  assert.ok(second.warnings.some((w) => w.code === 'FOLDER_CHANGED' && w.message.includes('5 messages')), JSON.stringify(second.warnings));
  const after = await readAll(pair, DST);
  const inboxAfter = after.get('INBOX')!;
  assert.equal(inboxAfter.length, 7, 'the 5 copied before, the new one, and the third copy of the duplicate');
  assert.equal(inboxAfter.filter((m) => m.sha256 === sha(dup.bytes)).length, 3);
  assert.deepEqual(after.get('Sent'), before.get('Sent'));

  const third = await copyMailbox(mailboxJob(pair, map, defaults));
  assert.equal(third.folders.reduce((n, f) => n + f.copied, 0), 0);
  assert.equal((await readAll(pair, DST)).get('INBOX')!.length, 7);
});
