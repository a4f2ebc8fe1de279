// `recapito migrate copy` between two private Dovecot servers over STARTTLS with verified
// certificates, on a generated mailbox with many folders, non-ASCII names, a 20 MB message,
// messages without Message-ID and exact duplicates. An independent reader (Python's imaplib)
// checks that every destination message is byte-identical with flags and INTERNALDATE, that the
// source is untouched, that re-runs copy nothing, and that a later run copies only what is new.
// A second destination hides UIDPLUS and MULTIAPPEND, as an old server would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dovecotAvailable } from '../interop/dovecot.ts';
import { generateMailbox, uploadMailbox, type GeneratedMessage } from '../support/mailgen.ts';
import { compareMailboxes, dumpMailbox, summary } from '../support/mailbox-compare.ts';
import { dovecotPair, DST_USER, migrateCli, parseReport, SRC_USER, type DovecotPair } from './support.ts';

const skip = !dovecotAvailable() && 'dovecot is not installed (.ci/run installs it)';

function copyArgs(p: DovecotPair, state: string, ...extra: string[]): string[] {
  return ['migrate', 'copy', '--from', p.url('src'), '--to', p.url('dst'), '--ca', p.caFile, '--state', state, '--json', '--no-progress', ...extra];
}

async function checkDestination(p: DovecotPair, expected: GeneratedMessage[]): Promise<void> {
  const dump = await dumpMailbox({ host: '127.0.0.1', port: p.dst.ports.imap, user: DST_USER, password: p.dst.password, tls: 'starttls', caFile: p.caFile });
  const c = compareMailboxes(expected, dump, { ignoreKeywords: ['$Migrated'] });
  assert.ok(c.ok, summary(c) + '\n' + c.details.join('\n'));
  const all = Object.values(dump.folders).flat();
  assert.equal(all.length, expected.length);
  assert.ok(all.every((m) => m.flags.includes('$Migrated')), 'every copy carries the $Migrated keyword');
}

test('migrate copy: Dovecot to Dovecot, exact, idempotent and incremental', { skip }, async (t) => {
  const p = await dovecotPair(t);
  const msgs = generateMailbox({ seed: 7, messages: 300, targetBytes: 15e6, bigMessages: 1 });
  assert.ok(msgs.some((m) => m.raw.length >= 20e6), 'a 20 MB message is part of the mailbox');
  assert.ok(msgs.some((m) => !/^message-id:/im.test(m.raw.subarray(0, m.raw.indexOf('\r\n\r\n')).toString('latin1'))), 'some messages have no Message-ID');
  assert.ok(new Set(msgs.map((m) => `${m.folder} ${m.sha256}`)).size < msgs.length, 'some messages are exact duplicates in their folder');
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);
  const state = `${p.dir}/state`;

  const first = await migrateCli(copyArgs(p, state), p.env);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(0, 2000));
  const r1 = parseReport(first.stdout);
  assert.equal(r1.status, 'success');
  assert.equal(r1.totals.copied, msgs.length);
  assert.equal(r1.totals.verified, msgs.length, 'every copy re-read and compared');
  assert.ok(r1.folders.some((f) => f.source === 'Clienti/Società Rossi'));
  await checkDestination(p, msgs);

  // Reading the source never changed it (EXAMINE, BODY.PEEK).
  const source = await dumpMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password, tls: 'starttls', caFile: p.caFile });
  assert.ok(compareMailboxes(msgs, source).ok, 'the source is untouched');

  const again = await migrateCli(copyArgs(p, state), p.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(parseReport(again.stdout).totals.copied, 0, 'a re-run copies nothing');
  assert.equal(parseReport(again.stdout).totals.skipped, msgs.length);

  const more = generateMailbox({ seed: 8, messages: 4, folders: ['INBOX'] });
  const dup = { ...msgs.find((m) => m.folder === 'INBOX')! };
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, [...more, dup]);
  const third = await migrateCli(copyArgs(p, state), p.env);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(parseReport(third.stdout).totals.copied, 5, 'only the new messages, the new identical copy included');
  await checkDestination(p, [...msgs, ...more, dup]);
});

test('migrate copy: a destination without UIDPLUS nor MULTIAPPEND gets the same exact copy', { skip }, async (t) => {
  const p = await dovecotPair(t, { dstConfig: ['imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE SPECIAL-USE CHILDREN UNSELECT'] });
  const msgs = generateMailbox({ seed: 9, messages: 120, targetBytes: 4e6 });
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);
  const state = `${p.dir}/state`;
  const first = await migrateCli(copyArgs(p, state), p.env);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(0, 2000));
  assert.equal(parseReport(first.stdout).totals.verified, msgs.length, 'UIDs found by content, then verified');
  await checkDestination(p, msgs);
  const again = await migrateCli(copyArgs(p, state), p.env);
  assert.equal(parseReport(again.stdout).totals.copied, 0);
  await checkDestination(p, msgs);
});

test('migrate copy: a message over the destination\'s APPENDLIMIT is refused before it is sent, the rest is copied (exit 1)', { skip }, async (t) => {
  const p = await dovecotPair(t, { dstConfig: ['imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE SPECIAL-USE CHILDREN UNSELECT UIDPLUS MULTIAPPEND APPENDLIMIT=1000000'] });
  const msgs = generateMailbox({ seed: 10, messages: 20, targetBytes: 400e3, folders: ['INBOX'], bigMessages: 1, bigBytes: 2e6 });
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);
  const r = await migrateCli(copyArgs(p, `${p.dir}/state`), p.env);
  assert.equal(r.code, 1, r.stderr + r.stdout.slice(0, 2000));
  const report = parseReport(r.stdout);
  assert.equal(report.status, 'partial');
  assert.deepEqual(report.folders.flatMap((f) => f.errors.map((e) => e.code)), ['MESSAGE_TOO_BIG']);
  const dump = await dumpMailbox({ host: '127.0.0.1', port: p.dst.ports.imap, user: DST_USER, password: p.dst.password, tls: 'starttls', caFile: p.caFile });
  const c = compareMailboxes(msgs, dump, { ignoreKeywords: ['$Migrated'] });
  assert.equal(c.identical, msgs.length - 1, summary(c));
  assert.equal(c.missing, 1, 'only the message over the limit');
});
