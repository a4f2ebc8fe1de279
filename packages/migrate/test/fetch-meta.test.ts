// The scan's FETCH answers on the data path: items in any order, answers split per message,
// keywords that look like items, dates in every RFC 3501 form; a message left undescribed is
// an error with a code, never a message silently left out of the copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MigrateError } from '../src/index.ts';
import { FetchMetaCollector, parseImapDate } from '../src/imap/raw/fetch-meta.ts';

test('INTERNALDATE: zones, a space-padded day, and refusals', () => {
  assert.equal(parseImapDate('17-Jul-1996 02:44:25 -0700')?.toISOString(), '1996-07-17T09:44:25.000Z');
  assert.equal(parseImapDate(' 7-Jul-1996 02:44:25 +0200')?.toISOString(), '1996-07-07T00:44:25.000Z');
  assert.equal(parseImapDate('01-dec-2026 00:00:00 +0000')?.toISOString(), '2026-12-01T00:00:00.000Z');
  for (const bad of ['17-Jux-1996 02:44:25 -0700', '17-Jul-96 02:44:25 -0700', '17-Jul-1996 02:44 -0700', '', 'domani']) assert.equal(parseImapDate(bad), null, bad);
});

test('answers merged by UID, in any order, \\Recent dropped, keywords never taken for items', () => {
  const c = new FetchMetaCollector();
  c.take('* 2 FETCH (RFC822.SIZE 20 UID 9 INTERNALDATE "01-Jun-2020 10:00:00 +0000" FLAGS ())');
  c.take('* 1 FETCH (UID 4 FLAGS (\\Seen \\Recent $Label1 Protocollato) INTERNALDATE "02-Jun-2020 10:00:00 +0000" RFC822.SIZE 1234)');
  c.take('* 3 FETCH (UID 12 RFC822.SIZE 5)');
  c.take('* 3 FETCH (FLAGS (UID RFC822.SIZE) UID 12)');
  c.take('* 3 FETCH (UID 12 INTERNALDATE "03-Jun-2020 10:00:00 +0000")');
  c.take('* 7 EXISTS');
  c.take('* 4 FETCH (FLAGS (\\Deleted))');
  assert.deepEqual(c.messages('INBOX').map((m) => [m.uid, m.size, m.flags, m.internalDate.toISOString(), m.messageId]), [
    [4, 1234, ['\\Seen', '$Label1', 'Protocollato'], '2020-06-02T10:00:00.000Z', null],
    [9, 20, [], '2020-06-01T10:00:00.000Z', null],
    [12, 5, ['UID', 'RFC822.SIZE'], '2020-06-03T10:00:00.000Z', null],
  ]);
});

test('a message without size or with a broken date is an error, not a message left out', () => {
  for (const line of ['* 1 FETCH (UID 4 FLAGS () INTERNALDATE "02-Jun-2020 10:00:00 +0000")', '* 1 FETCH (UID 4 FLAGS () INTERNALDATE "ieri" RFC822.SIZE 3)']) {
    const c = new FetchMetaCollector();
    c.take(line);
    assert.throws(() => c.messages('Archivio'), (e: unknown) => e instanceof MigrateError && e.code === 'IMAP_COMMAND_FAILED' && /Archivio: UID 4/.test(e.message), line);
  }
});
