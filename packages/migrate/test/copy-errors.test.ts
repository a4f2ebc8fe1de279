// Refusals of single messages do not stop a run: a destination too small for the mailbox is
// announced before the copy (QUOTA_INSUFFICIENT), the messages that do not fit are recorded as
// OVER_QUOTA with the run going on (status partial), and once the quota is raised the next run
// copies exactly those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyMailbox, type CopyEvent } from '../src/index.ts';
import { defaults, DST, fill, freshMap, mailboxJob, readAll, recapitoPair, sampleMailbox, SRC } from './copy-support.ts';

test('copy engine: a full destination gives a warning, per-message OVER_QUOTA, partial; a re-run after raising the quota completes', async (t) => {
  const msgs = sampleMailbox();
  const total = msgs.reduce((n, m) => n + m.bytes.length, 0);
  const big = Math.max(...msgs.map((m) => m.bytes.length));
  // Room for everything but the largest message.
  const pair = await recapitoPair(t, { destQuotaBytes: total - big + 10 });
  const map = await freshMap(t);
  await fill(pair, SRC, msgs);
  const events: CopyEvent[] = [];
  const first = await copyMailbox(mailboxJob(pair, map, { ...defaults, mark: null, onEvent: (e) => events.push(e) }));
  assert.equal(first.status, 'partial', JSON.stringify(first));
  assert.ok(first.warnings.some((w) => w.code === 'QUOTA_INSUFFICIENT'), 'warned before the copy');
  const warnedAt = events.findIndex((e) => e.type === 'warning' && e.code === 'QUOTA_INSUFFICIENT');
  assert.ok(warnedAt >= 0 && warnedAt < events.findIndex((e) => e.type === 'progress'), 'the warning comes before the first message');
  const errors = first.folders.flatMap((f) => f.errors);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'OVER_QUOTA');
  assert.equal(first.folders.reduce((n, f) => n + f.copied, 0), msgs.length - 1, 'the others were copied');

  pair.users[DST]!.quotaBytes = 1e12;
  const second = await copyMailbox(mailboxJob(pair, map, { ...defaults, mark: null }));
  assert.equal(second.status, 'success', JSON.stringify(second));
  assert.equal(second.folders.reduce((n, f) => n + f.copied, 0), 1, 'exactly the refused message');
  const dest = await readAll(pair, DST);
  assert.equal([...dest.values()].reduce((n, l) => n + l.length, 0), msgs.length);
});

test('copy engine: --reverify finds a copy deleted since an earlier run; the next run copies it again', async (t) => {
  const pair = await recapitoPair(t);
  const map = await freshMap(t);
  const msgs = sampleMailbox();
  await fill(pair, SRC, msgs);
  assert.equal((await copyMailbox(mailboxJob(pair, map, defaults))).status, 'success');
  // Someone deletes a copy on the destination.
  const inbox = pair.users[DST]!.folders.get('INBOX')!;
  inbox.msgs.delete([...inbox.msgs.keys()][0]!);
  const plain = await copyMailbox(mailboxJob(pair, map, defaults));
  assert.equal(plain.status, 'success', 'without --reverify, copies verified before are trusted');
  const check = await copyMailbox(mailboxJob(pair, map, { ...defaults, reverify: true }));
  assert.equal(check.status, 'partial');
  assert.deepEqual(check.folders.flatMap((f) => f.errors.map((e) => e.code)), ['VERIFY_MISSING']);
  const repair = await copyMailbox(mailboxJob(pair, map, defaults));
  assert.equal(repair.status, 'success', JSON.stringify(repair));
  assert.equal(repair.folders.reduce((n, f) => n + f.copied, 0), 1);
  const dest = await readAll(pair, DST);
  assert.equal(dest.get('INBOX')!.length, msgs.filter((m) => m.folder === 'INBOX').length);
});
