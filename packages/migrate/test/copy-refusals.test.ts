// The destination refuses: a message too big ([TOOBIG]) and one it will not take (a bare NO)
// sink their MULTIAPPEND group, which is retried one by one so that only they fail; a server
// that says [UNAVAILABLE] gets a backoff and a retry; a copy altered on the destination is found
// by --reverify; a source folder whose UIDVALIDITY changes under the run is reported, not copied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyMailbox, type CopyEvent } from '../src/index.ts';
import { defaults, DST, fill, freshMap, mailboxJob, message, readAll, recapitoPair, SRC, type Msg } from './copy-support.ts';

const has = (bytes: Uint8Array, marker: string): boolean => Buffer.from(bytes).includes(marker);
const mailbox = (n: number, special: Record<number, string> = {}): Msg[] => Array.from({ length: n }, (_, i) => ({
  folder: 'INBOX', bytes: message(i, { body: special[i] ?? `corpo ${i}` }), flags: [], date: new Date(Date.UTC(2022, 0, 1 + i)),
}));

test('refused messages: only the culprits fail, with their codes, the rest of their group is copied', async (t) => {
  const pair = await recapitoPair(t, { refuse: (b) => (has(b, 'TROPPO-GRANDE') ? 'TOOBIG' : has(b, 'RIFIUTA') ? 'CANNOT' : undefined) });
  const msgs = mailbox(20, { 4: 'TROPPO-GRANDE', 11: 'RIFIUTA' });
  await fill(pair, SRC, msgs);
  const r = await copyMailbox(mailboxJob(pair, await freshMap(t), defaults));
  assert.equal(r.status, 'partial');
  const errors = r.folders.flatMap((f) => f.errors).map((e) => e.code).sort();
  assert.deepEqual(errors, ['MESSAGE_REJECTED', 'MESSAGE_TOO_BIG']);
  assert.equal((await readAll(pair, DST)).get('INBOX')!.length, 18, 'the 18 others, each once');
});

test('a server that says [UNAVAILABLE] gets a backoff and a retry; nothing is lost or doubled', async (t) => {
  let busy = 2;
  const pair = await recapitoPair(t, { refuse: () => (busy-- > 0 ? 'UNAVAILABLE' : undefined) });
  const msgs = mailbox(30);
  await fill(pair, SRC, msgs);
  const events: CopyEvent[] = [];
  const r = await copyMailbox(mailboxJob(pair, await freshMap(t), { ...defaults, onEvent: (e) => events.push(e) }));
  assert.equal(r.status, 'success', JSON.stringify(r));
  assert.ok(events.some((e) => e.type === 'retry' && e.reason === 'SERVER_BUSY'));
  assert.equal((await readAll(pair, DST)).get('INBOX')!.length, 30);
});

test('--reverify finds a copy altered on the destination (VERIFY_MISMATCH)', async (t) => {
  const pair = await recapitoPair(t);
  const map = await freshMap(t);
  await fill(pair, SRC, mailbox(5));
  assert.equal((await copyMailbox(mailboxJob(pair, map, defaults))).status, 'success');
  const stored = [...pair.users[DST]!.folders.get('INBOX')!.msgs.values()][2]!;
  stored.bytes = Buffer.concat([Buffer.from(stored.bytes), Buffer.from('X-Aggiunto: sì\r\n')]);
  const r = await copyMailbox(mailboxJob(pair, map, { ...defaults, reverify: true }));
  assert.equal(r.status, 'partial');
  assert.deepEqual(r.folders.flatMap((f) => f.errors.map((e) => e.code)), ['VERIFY_MISMATCH']);
});

test('a source folder whose UIDVALIDITY changes during the run is reported (FOLDER_CHANGED)', async (t) => {
  const pair = await recapitoPair(t);
  await fill(pair, SRC, mailbox(5));
  const inbox = pair.users[SRC]!.folders.get('INBOX')!;
  const r = await copyMailbox(mailboxJob(pair, await freshMap(t), {
    ...defaults, onEvent: (e) => { if (e.type === 'planned') inbox.uidValidity += 1; },
  }));
  assert.equal(r.status, 'partial');
  assert.equal(r.folders.find((f) => f.source === 'INBOX')!.error?.code, 'FOLDER_CHANGED');
  assert.equal((await readAll(pair, DST)).get('INBOX')!.length, 0, 'nothing copied from a folder that changed identity');
});
