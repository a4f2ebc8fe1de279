// The IMAP server driven by Python's imaplib over the in-memory backend: every command, TLS
// rules, login limits, read-only, quota and updates between two sessions.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { memoryBackend, memoryUser } from './memory-backend.ts';
import { b64, call, imaplib, startImap, type StepResult } from './server-helpers.ts';

const USER = 'utente@pec.example.test';
const PASS = 'Segreta.2026!';

const MESSAGE = [
  'From: "Mario Rossi" <mario@pec.example.test>', 'To: utente@pec.example.test', 'Subject: Delibera n. 12',
  'Date: Mon, 23 Nov 2026 10:00:00 +0100', 'Message-ID: <a1@pec.example.test>', 'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit', '', 'Testo della delibera: città.', '--b1',
  'Content-Type: application/pdf; name="d.pdf"', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--b1--', '',
].join('\r\n');
/** Response data as one string, with JSON's escaped quotes unescaped. */
const flat = (x: unknown): string => JSON.stringify(x).replace(/\\"/g, '"');
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** The step was answered NO (imaplib returns it) or raised (LOGIN, SELECT), with text matching `re`. */
function refused(r: StepResult | undefined, re: RegExp, what = ''): void {
  const text = r?.error ?? (r?.typ === 'NO' ? JSON.stringify(r.data) : '');
  assert.match(text, re, `${what}: ${JSON.stringify(r)}`);
}

function okAll(results: StepResult[], names: string[]): void {
  results.forEach((r, i) => assert.ok(!r.error && (r.typ === 'OK' || (r.typ === 'BYE' && names[i] === 'logout')), `step ${i} (${names[i] ?? ''}): ${JSON.stringify(r)}`));
}

test('a full session: append, select, fetch, search, store, copy, move, expunge', async (t) => {
  const user = memoryUser(PASS);
  const port = await startImap(t, { backend: memoryBackend({ [USER]: user }) });
  const steps = [
    call('login', USER, PASS), call('capability'), call('list', '""', '*'),
    { op: 'append', mailbox: 'INBOX', flags: '(\\Flagged $Protocollato)', date: 1763888400, b64: b64(MESSAGE) },
    call('select', 'INBOX'), call('fetch', '1', '(FLAGS INTERNALDATE RFC822.SIZE UID)'),
    call('fetch', '1', '(BODY.PEEK[])'), call('fetch', '1', '(BODY.PEEK[1] BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[]<0.4>)'),
    call('fetch', '1', '(ENVELOPE BODYSTRUCTURE)'),
    call('search', null, 'FLAGGED'), call('search', null, 'SUBJECT', 'delibera'), call('search', null, 'BODY', 'testo'),
    call('uid', 'SEARCH', 'KEYWORD', '$Protocollato'), call('store', '1', '+FLAGS', '(\\Seen)'),
    call('fetch', '1', '(BODY[TEXT])'), call('create', 'Posta/Citt&AOA-'), call('copy', '1', 'Posta/Citt&AOA-'),
    call('status', '"Posta/Citt&AOA-"', '(MESSAGES UNSEEN UIDNEXT)'), call('uid', 'MOVE', '1', 'Trash'),
    call('select', 'Trash'), call('store', '1', '+FLAGS', '(\\Deleted)'), call('expunge'), call('namespace'),
    call('getquotaroot', 'INBOX'), call('logout'),
  ];
  const r = await imaplib(port, steps);
  okAll(r, steps.map((s) => String(s.name ?? s.op)));
  assert.match(flat(r[1]!.data), /IDLE.*UIDPLUS.*MOVE/);
  assert.match(flat(r[3]!.data), /APPENDUID \d+ 1/);
  assert.match(flat(r[5]!.data), /FLAGS \(\\\\Flagged \$Protocollato\) INTERNALDATE "23-Nov-2025 09:00:00 \+0000" RFC822.SIZE \d+ UID 1/);
  const body = (r[6]!.data as unknown[][])[0]![1];
  assert.equal(sha(typeof body === 'string' ? body : ''), sha(MESSAGE), 'BODY[] is byte-identical');
  assert.match(flat(r[7]!.data), /Testo della delibera/);
  assert.match(flat(r[8]!.data), /"Delibera n. 12"/);
  assert.match(flat(r[8]!.data), /"APPLICATION" "PDF"/i);
  for (const i of [9, 10, 11]) assert.deepEqual(r[i]!.data, ['1'], `search ${i}`);
  assert.deepEqual(r[12]!.data, ['1']);
  assert.match(flat(r[14]!.data), /FLAGS/);
  assert.match(flat(r[16]!.data), /COPYUID \d+ 1 1/);
  assert.match(flat(r[17]!.data), /MESSAGES 1 UNSEEN 0 UIDNEXT 2/);
  assert.match(flat(r[21]!.data), /^\["1"\]$/);
  assert.equal(user.folders.get('INBOX')!.msgs.size, 0, 'moved away');
  assert.equal(user.folders.get('Trash')!.msgs.size, 0, 'expunged');
  assert.equal(user.folders.get('Posta/Città')!.msgs.size, 1, 'copied');
});

test('plain port: no login before STARTTLS, then it works', async (t) => {
  const port = await startImap(t, { mode: 'imap-starttls', backend: memoryBackend({ [USER]: memoryUser(PASS) }) });
  const r = await imaplib(port, [call('capability'), call('login', USER, PASS), call('starttls'), call('capability'), call('login', USER, PASS)], { ssl: false });
  assert.match(flat(r[0]!.data), /STARTTLS.*LOGINDISABLED/);
  refused(r[1], /PRIVACYREQUIRED/);
  assert.equal(r[2]!.typ, 'OK');
  assert.doesNotMatch(JSON.stringify(r[3]!.data), /LOGINDISABLED/);
  assert.equal(r[4]!.typ, 'OK');
});

test('failed logins are limited per account, even with the right password afterwards', async (t) => {
  const port = await startImap(t, { backend: memoryBackend({ [USER]: memoryUser(PASS) }), authLimits: { maxFailures: 3 } });
  const steps = [1, 2, 3].map(() => call('login', USER, 'wrong')).concat([call('login', USER, PASS)]);
  const r = await imaplib(port, steps);
  for (const x of r.slice(0, 3)) refused(x, /AUTHENTICATIONFAILED/);
  refused(r[3], /UNAVAILABLE.*Too many failed logins/);
});

test('read-only mailbox: SELECT says READ-ONLY, reads work, every write is refused', async (t) => {
  const user = memoryUser(PASS);
  const port = await startImap(t, { backend: memoryBackend({ [USER]: user }) });
  const first = await imaplib(port, [call('login', USER, PASS), { op: 'append', mailbox: 'INBOX', b64: b64(MESSAGE) }]);
  okAll(first, ['login', 'append']);
  user.readOnly = true;
  // imaplib refuses to go on after a SELECT answered READ-ONLY, so the writes run after EXAMINE.
  const r = await imaplib(port, [
    call('login', USER, PASS), call('select', 'INBOX'), { op: 'connect' }, call('login', USER, PASS), call('select', 'INBOX', true),
    call('fetch', '1', '(BODY[])'), call('store', '1', '+FLAGS', '(\\Deleted)'),
    { op: 'append', mailbox: 'INBOX', b64: b64(MESSAGE) }, call('create', 'X'), call('rename', 'Sent', 'Y'), call('delete', 'Trash'),
    call('copy', '1', 'Trash'), call('expunge'),
  ]);
  // imaplib raises on a SELECT answered READ-ONLY, but the folder is selected.
  refused(r[1], /not writable/, 'select');
  assert.equal(r[5]!.typ, 'OK', JSON.stringify(r[5]));
  for (const i of [6, 7, 8, 9, 10, 11, 12]) refused(r[i], /READ-ONLY/, `step ${i}`);
  assert.deepEqual(user.folders.get('INBOX')!.msgs.get(1)!.flags, [], 'FETCH BODY[] did not set \\Seen');
});

test('APPEND over quota answers OVERQUOTA and stores nothing', async (t) => {
  const user = memoryUser(PASS, { quotaBytes: 100 });
  const port = await startImap(t, { backend: memoryBackend({ [USER]: user }) });
  const r = await imaplib(port, [call('login', USER, PASS), { op: 'append', mailbox: 'INBOX', b64: b64(MESSAGE) }, { op: 'append', mailbox: 'Nowhere', b64: b64('a: b\r\n\r\nx\r\n') }]);
  refused(r[1], /OVERQUOTA/);
  refused(r[2], /TRYCREATE/);
  assert.equal(user.folders.get('INBOX')!.msgs.size, 0);
});

test('two sessions: IDLE sees a new message and an expunge made by the other', async (t) => {
  const user = memoryUser(PASS);
  const port = await startImap(t, { backend: memoryBackend({ [USER]: user }) });
  const r = await imaplib(port, [
    call('login', USER, PASS), { op: 'append', mailbox: 'INBOX', b64: b64(MESSAGE) }, call('select', 'INBOX'),
    { op: 'connect' }, call('login', USER, PASS), call('select', 'INBOX'), { op: 'append', mailbox: 'INBOX', b64: b64(MESSAGE) },
    call('store', '1', '+FLAGS', '(\\Deleted)'), call('expunge'),
    { op: 'use', index: 0 }, { op: 'idle', seconds: 0.6 },
  ]);
  const idle = r[10]!;
  assert.match(idle.continuation ?? '', /^\+ /);
  assert.ok(idle.pushed?.includes('* 1 EXPUNGE'), JSON.stringify(idle));
  assert.ok(idle.pushed?.includes('* 1 EXISTS') || idle.pushed?.includes('* 2 EXISTS'), JSON.stringify(idle));
  assert.match(idle.done ?? '', /OK IDLE terminated/);
});
