// The copy engine end to end against Recapito's IMAP server (memory backend) on loopback, with a
// real store for the identity map: exact bytes, flags plus the mark, INTERNALDATE, duplicates and
// messages without Message-ID; re-runs copy nothing; a second run copies only what is new; an
// interrupted run resumes without duplicates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyMailbox, type CopyOptions } from '../src/index.ts';
import { defaults, DST, fill, freshMap, mailboxJob, message, readAll, recapitoPair, sampleMailbox, sha, SRC, type Msg } from './copy-support.ts';

const key = (m: { sha256: string; flags: string[]; date: number }): string => `${m.sha256} ${m.flags.join(',')} ${m.date}`;

/** The destination must hold each source message exactly as often as the source does. */
function expected(msgs: readonly Msg[], mark: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of msgs) {
    const flags = [...m.flags, ...(mark ? [mark] : [])].map((f) => f.toLowerCase()).sort();
    const list = out.get(m.folder) ?? [];
    list.push(key({ sha256: sha(m.bytes), flags, date: m.date.getTime() }));
    out.set(m.folder, list);
  }
  for (const l of out.values()) l.sort();
  return out;
}

test('copy engine: a mailbox copied, re-run, extended and re-run again', async (t) => {
  const pair = await recapitoPair(t);
  const map = await freshMap(t);
  const msgs = sampleMailbox();
  await fill(pair, SRC, msgs);
  const job = (options: Partial<CopyOptions> = {}) => copyMailbox(mailboxJob(pair, map, { ...defaults, ...options }));

  const first = await job();
  assert.equal(first.status, 'success', JSON.stringify(first));
  const byName = new Map(first.folders.map((f) => [f.source, f]));
  assert.equal(byName.get('INBOX')!.copied, 5);
  assert.equal(byName.get('INBOX')!.verified, 5);
  assert.equal(byName.get('Clienti/Società Rossi')!.copied, 2);
  const dest = await readAll(pair, DST);
  for (const [folder, want] of expected(msgs, '$Migrated')) {
    assert.deepEqual((dest.get(folder) ?? []).map(key).sort(), want, folder);
  }

  // The map keeps each message's Message-ID, read from its header (never from its body).
  const src = await pair.data(SRC)();
  const { uidValidity } = await src.examine('INBOX');
  await src.close();
  const ids = (await map.entries('INBOX', uidValidity, 'verified')).map((e) => e.messageId);
  assert.deepEqual(ids, ['<m1@example.test>', null, '<m3@example.test>', '<m3@example.test>', null]);

  const again = await job();
  assert.equal(again.status, 'success');
  assert.equal(again.folders.reduce((n, f) => n + f.copied, 0), 0, 'a re-run copies nothing');
  assert.equal(again.folders.reduce((n, f) => n + f.skipped, 0), msgs.length);

  const extra: Msg = { folder: 'INBOX', bytes: message(3), flags: [], date: new Date(Date.UTC(2022, 1, 1)) };
  await fill(pair, SRC, [extra]);
  const third = await job();
  assert.equal(third.folders.reduce((n, f) => n + f.copied, 0), 1, 'only the new message, although it is a third identical copy');
  const after = await readAll(pair, DST);
  assert.deepEqual(after.get('INBOX')!.map(key).sort(), expected([...msgs, extra], '$Migrated').get('INBOX'));
});

test('copy engine: --no-mark copies flags exactly; --under puts the tree apart', async (t) => {
  const pair = await recapitoPair(t);
  const msgs = sampleMailbox().slice(0, 3);
  await fill(pair, SRC, msgs);
  const r = await copyMailbox(mailboxJob(pair, await freshMap(t), { ...defaults, mark: null, underFolder: 'Migrata' }));
  assert.equal(r.status, 'success', JSON.stringify(r));
  const dest = await readAll(pair, DST);
  assert.deepEqual((dest.get('INBOX') ?? []).length, 0, 'nothing lands in the live INBOX');
  assert.deepEqual(dest.get('Migrata/INBOX')!.map(key).sort(), expected(msgs, null).get('INBOX'));
});

test('copy engine: a run stopped halfway resumes with nothing missing and nothing twice', async (t) => {
  const pair = await recapitoPair(t);
  const map = await freshMap(t);
  const msgs: Msg[] = Array.from({ length: 60 }, (_, i) => ({ folder: i % 3 === 0 ? 'Sent' : 'INBOX', bytes: message(100 + (i % 50), { id: i % 7 !== 0 }), flags: i % 2 ? ['\\Seen'] : [], date: new Date(Date.UTC(2020, 0, 1 + i)) }));
  await fill(pair, SRC, msgs);
  const stop = new AbortController();
  let seen = 0;
  const first = await copyMailbox(mailboxJob(pair, map, {
    ...defaults, lanes: 2, signal: stop.signal, onEvent: (e) => { if (e.type === 'progress' && ++seen === 17) stop.abort(new Error('stopped')); },
  }));
  assert.equal(first.status, 'failure');
  const firstCopied = first.folders.reduce((n, f) => n + f.copied, 0);
  assert.ok(firstCopied >= 16 && firstCopied < 60, `stopped halfway (${firstCopied} appended)`);
  const second = await copyMailbox(mailboxJob(pair, map, defaults));
  assert.equal(second.status, 'success', JSON.stringify(second));
  const dest = await readAll(pair, DST);
  for (const [folder, want] of expected(msgs, '$Migrated')) assert.deepEqual(dest.get(folder)!.map(key).sort(), want, folder);
});
