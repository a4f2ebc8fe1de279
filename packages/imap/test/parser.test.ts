// The command parser against a table of valid commands (RFC 3501 §6 and extensions) and the
// expected syntax tree, plus sequence sets, SEARCH nesting, FETCH sections and APPEND.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapParseError, parseCommand, parseSequenceSet, type Command } from '../src/index.ts';
import { frameOne, parse } from './helpers.ts';

const all = [{ start: 1, end: '*' as const }];
const one = (n: number) => ({ start: n, end: n });

const TABLE: Array<[string, Command]> = [
  ['a CAPABILITY', { tag: 'a', name: 'CAPABILITY' }],
  ['a1 noop', { tag: 'a1', name: 'NOOP' }],
  ['a LOGOUT', { tag: 'a', name: 'LOGOUT' }],
  ['a STARTTLS', { tag: 'a', name: 'STARTTLS' }],
  ['a CHECK', { tag: 'a', name: 'CHECK' }],
  ['a CLOSE', { tag: 'a', name: 'CLOSE' }],
  ['a IDLE', { tag: 'a', name: 'IDLE' }],
  ['a NAMESPACE', { tag: 'a', name: 'NAMESPACE' }],
  ['a UNSELECT', { tag: 'a', name: 'UNSELECT' }],
  ['a EXPUNGE', { tag: 'a', name: 'EXPUNGE', uid: false }],
  ['a UID EXPUNGE 3:5,7', { tag: 'a', name: 'EXPUNGE', uid: true, set: [{ start: 3, end: 5 }, one(7)] }],
  ['a LOGIN mario "pa ss\\"w\\\\d"', { tag: 'a', name: 'LOGIN', username: 'mario', password: 'pa ss"w\\d' }],
  ['a LOGIN {5+}\r\nmario {3}\r\npwd', { tag: 'a', name: 'LOGIN', username: 'mario', password: 'pwd' }],
  ['a AUTHENTICATE plain', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN' }],
  ['a AUTHENTICATE PLAIN AG1hcmlvAHB3ZA==', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'AG1hcmlvAHB3ZA==' }],
  ['a AUTHENTICATE PLAIN =', { tag: 'a', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: '=' }],
  ['a SELECT inbox', { tag: 'a', name: 'SELECT', mailbox: 'INBOX', condstore: false }],
  ['a EXAMINE "Posta inviata" (CONDSTORE)', { tag: 'a', name: 'EXAMINE', mailbox: 'Posta inviata', condstore: true }],
  ['a CREATE Citt&AOA-', { tag: 'a', name: 'CREATE', mailbox: 'Città' }],
  ['a DELETE Cestino', { tag: 'a', name: 'DELETE', mailbox: 'Cestino' }],
  ['a SUBSCRIBE Cestino', { tag: 'a', name: 'SUBSCRIBE', mailbox: 'Cestino' }],
  ['a UNSUBSCRIBE Cestino', { tag: 'a', name: 'UNSUBSCRIBE', mailbox: 'Cestino' }],
  ['a RENAME a/b "c d"', { tag: 'a', name: 'RENAME', mailbox: 'a/b', newName: 'c d' }],
  ['a LIST "" ""', { tag: 'a', name: 'LIST', reference: '', pattern: '' }],
  ['a LIST "" *', { tag: 'a', name: 'LIST', reference: '', pattern: '*' }],
  ['a LIST ~peter/ %/&U,BTFw-', { tag: 'a', name: 'LIST', reference: '~peter/', pattern: '%/台北' }],
  ['a LIST (SPECIAL-USE) "" *', { tag: 'a', name: 'LIST', reference: '', pattern: '*', select: ['SPECIAL-USE'] }],
  ['a LIST "" * RETURN (special-use subscribed)', { tag: 'a', name: 'LIST', reference: '', pattern: '*', ret: ['SPECIAL-USE', 'SUBSCRIBED'] }],
  ['a LSUB "#news." comp.mail.*', { tag: 'a', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  ['a STATUS INBOX (MESSAGES UIDNEXT uidvalidity UNSEEN RECENT HIGHESTMODSEQ)', {
    tag: 'a', name: 'STATUS', mailbox: 'INBOX',
    items: ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'HIGHESTMODSEQ'],
  }],
  ['a SEARCH ALL', { tag: 'a', name: 'SEARCH', uid: false, criteria: [{ key: 'ALL' }] }],
  ['a UID SEARCH CHARSET UTF-8 SUBJECT "città" UNSEEN', {
    tag: 'a', name: 'SEARCH', uid: true, charset: 'UTF-8',
    criteria: [{ key: 'SUBJECT', value: 'città' }, { key: 'UNSEEN' }],
  }],
  ['a FETCH 1:* FAST', {
    tag: 'a', name: 'FETCH', uid: false, set: all, macro: 'FAST',
    items: [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }],
  }],
  ['a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)', {
    tag: 'a', name: 'FETCH', uid: true, set: all, items: [{ type: 'FLAGS' }], changedSince: 12345n,
  }],
  ['a STORE 2:4 +FLAGS.SILENT (\\deleted $Label1)', {
    tag: 'a', name: 'STORE', uid: false, set: [{ start: 2, end: 4 }], op: 'add', silent: true, flags: ['\\Deleted', '$Label1'],
  }],
  ['a UID STORE 5 (UNCHANGEDSINCE 20) -FLAGS \\Seen \\Flagged', {
    tag: 'a', name: 'STORE', uid: true, set: [one(5)], op: 'remove', silent: false,
    flags: ['\\Seen', '\\Flagged'], unchangedSince: 20n,
  }],
  ['a STORE 1 FLAGS ()', { tag: 'a', name: 'STORE', uid: false, set: [one(1)], op: 'set', silent: false, flags: [] }],
  ['a COPY 2:4 Cestino', { tag: 'a', name: 'COPY', uid: false, set: [{ start: 2, end: 4 }], mailbox: 'Cestino' }],
  ['a UID COPY 2:4 Cestino', { tag: 'a', name: 'COPY', uid: true, set: [{ start: 2, end: 4 }], mailbox: 'Cestino' }],
  ['a MOVE 1 inbox', { tag: 'a', name: 'MOVE', uid: false, set: [one(1)], mailbox: 'INBOX' }],
  ['a UID MOVE 42:* Archivio', { tag: 'a', name: 'MOVE', uid: true, set: [{ start: 42, end: '*' }], mailbox: 'Archivio' }],
  ['a ID NIL', { tag: 'a', name: 'ID', params: null }],
  ['a ID ("name" "client" "version" NIL)', { tag: 'a', name: 'ID', params: [['name', 'client'], ['version', null]] }],
  ['a ENABLE CONDSTORE utf8=accept', { tag: 'a', name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] }],
  ['a GETQUOTA ""', { tag: 'a', name: 'GETQUOTA', root: '' }],
  ['a GETQUOTAROOT INBOX', { tag: 'a', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
  ['a SETQUOTA "" (STORAGE 512 MESSAGE 1000)', {
    tag: 'a', name: 'SETQUOTA', root: '', limits: [{ resource: 'STORAGE', limit: 512n }, { resource: 'MESSAGE', limit: 1000n }],
  }],
  ['a SETQUOTA "" ()', { tag: 'a', name: 'SETQUOTA', root: '', limits: [] }],
];

test('a table of valid commands parses to the expected syntax tree', () => {
  for (const [line, expected] of TABLE) assert.deepEqual(parse(line), expected, line);
});

test('APPEND with flags, date-time and a synchronizing literal', () => {
  const cmd = parse('A003 APPEND saved-messages (\\Seen) " 7-Feb-1994 21:52:25 -0800" {10}\r\nHello\r\nJoe');
  assert.equal(cmd.name, 'APPEND');
  if (cmd.name !== 'APPEND') return;
  assert.equal(cmd.mailbox, 'saved-messages');
  assert.equal(cmd.messages.length, 1);
  assert.deepEqual(cmd.messages[0]!.flags, ['\\Seen']);
  assert.equal(cmd.messages[0]!.date?.toISOString(), '1994-02-08T05:52:25.000Z');
  assert.equal(Buffer.from(cmd.messages[0]!.message).toString(), 'Hello\r\nJoe');
});

test('MULTIAPPEND (RFC 3502): several messages, each with its own flags and date', () => {
  const cmd = parse('A4 APPEND INBOX (\\Seen) {1+}\r\na {1+}\r\nb (\\Flagged $Label1) "01-Jun-2020 10:00:00 +0000" {1+}\r\nc');
  assert.ok(cmd.name === 'APPEND');
  assert.deepEqual(cmd.messages.map((m) => [Buffer.from(m.message).toString(), m.flags ?? [], m.date?.toISOString() ?? null]), [
    ['a', ['\\Seen'], null], ['b', [], null], ['c', ['\\Flagged', '$Label1'], '2020-06-01T10:00:00.000Z'],
  ]);
  assert.throws(() => parse('A5 APPEND INBOX {1+}\r\na (\\Seen)'), ImapParseError, 'flags without a message');
});

test('APPEND with LITERAL+ and no options; a quoted message is refused', () => {
  const cmd = parse('b APPEND INBOX {3+}\r\nabc');
  assert.ok(cmd.name === 'APPEND' && cmd.messages.length === 1 && Buffer.from(cmd.messages[0]!.message).toString() === 'abc' && !cmd.messages[0]!.flags && !cmd.messages[0]!.date);
  assert.throws(() => parse('b APPEND INBOX "abc"'), ImapParseError);
  assert.throws(() => parse('b APPEND INBOX "31-Feb-2024 00:00:00 +0000" {1+}\r\nx'), /Invalid date/);
});

test('sequence sets: ranges, stars, and invalid forms', () => {
  assert.deepEqual(parseSequenceSet('1:*,3,5:7'), [{ start: 1, end: '*' }, one(3), { start: 5, end: 7 }]);
  assert.deepEqual(parseSequenceSet('*'), [{ start: '*', end: '*' }]);
  assert.deepEqual(parseSequenceSet('*:4'), [{ start: '*', end: 4 }]);
  assert.deepEqual(parseSequenceSet('4294967295'), [one(4294967295)]);
  for (const bad of ['0', '1:0', '4294967296', '1,', ',1', '1::2', '1:2:3', '01', '']) {
    assert.throws(() => parseSequenceSet(bad), ImapParseError, bad);
  }
  assert.throws(() => parse('a FETCH 1,,2 FLAGS'), ImapParseError);
});

test('SEARCH with nested OR, NOT, lists, dates, HEADER and MODSEQ', () => {
  const cmd = parse('t SEARCH OR (FROM "mario" NOT SEEN) NOT OR 1:3 UID 7 HEADER Message-ID <a@b> SINCE 1-Feb-2024 '
    + 'BEFORE "28-Feb-2024" LARGER 100 KEYWORD $Pec MODSEQ "/flags/\\\\draft" all 620162338');
  assert.ok(cmd.name === 'SEARCH');
  assert.deepEqual(cmd.criteria, [
    { key: 'OR', left: { key: 'AND', keys: [{ key: 'FROM', value: 'mario' }, { key: 'NOT', inner: { key: 'SEEN' } }] },
      right: { key: 'NOT', inner: { key: 'OR', left: { key: 'SEQ', set: [{ start: 1, end: 3 }] }, right: { key: 'UID', set: [one(7)] } } } },
    { key: 'HEADER', field: 'Message-ID', value: '<a@b>' },
    { key: 'SINCE', date: '2024-02-01' },
    { key: 'BEFORE', date: '2024-02-28' },
    { key: 'LARGER', size: 100 },
    { key: 'KEYWORD', flag: '$Pec' },
    { key: 'MODSEQ', modseq: 620162338n, entry: { name: '/flags/\\draft', type: 'all' } },
  ]);
  assert.throws(() => parse('t SEARCH SINCE 30-Feb-2024'), /Invalid date/);
  assert.throws(() => parse('t SEARCH FOO'), /Unknown search key/);
  assert.throws(() => parse('t SEARCH OR SEEN'), ImapParseError);
  const literal = parse('t SEARCH CHARSET UTF-8 TEXT {6}\r\ncittà');
  assert.ok(literal.name === 'SEARCH');
  assert.deepEqual(literal.criteria, [{ key: 'TEXT', value: 'città' }]);
});

test('FETCH with sections, partials, BODY.PEEK and BINARY', () => {
  const cmd = parse('f FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS (SUBJECT FROM)]<0.100> BODY[] BODY[TEXT] BODY[2.MIME] '
    + 'BODY[3] BINARY.PEEK[1]<5.10> BINARY.SIZE[] body rfc822.header UID MODSEQ BODYSTRUCTURE)');
  assert.ok(cmd.name === 'FETCH');
  assert.deepEqual(cmd.items, [
    { type: 'BODY[]', peek: true, section: { part: [1, 2], text: 'HEADER.FIELDS', fields: ['SUBJECT', 'FROM'] }, partial: { offset: 0, length: 100 } },
    { type: 'BODY[]', peek: false, section: { part: [] } },
    { type: 'BODY[]', peek: false, section: { part: [], text: 'TEXT' } },
    { type: 'BODY[]', peek: false, section: { part: [2], text: 'MIME' } },
    { type: 'BODY[]', peek: false, section: { part: [3] } },
    { type: 'BINARY', peek: true, part: [1], partial: { offset: 5, length: 10 } },
    { type: 'BINARY.SIZE', part: [] },
    { type: 'BODY' }, { type: 'RFC822.HEADER' }, { type: 'UID' }, { type: 'MODSEQ' }, { type: 'BODYSTRUCTURE' },
  ]);
  const full = parse('f FETCH 1 full');
  assert.ok(full.name === 'FETCH' && full.macro === 'FULL' && full.items.length === 5);
  const single = parse('f FETCH 2 BODY.PEEK[HEADER.FIELDS.NOT (Received)]');
  assert.ok(single.name === 'FETCH');
  assert.deepEqual(single.items, [{ type: 'BODY[]', peek: true, section: { part: [], text: 'HEADER.FIELDS.NOT', fields: ['RECEIVED'] } }]);
  for (const bad of ['f FETCH 1 BODY[MIME]', 'f FETCH 1 BODY[1]<0.0>', 'f FETCH 1 BODY[0]', 'f FETCH 1 (FLAGS', 'f FETCH 1 FOO', 'f FETCH 1 ALLX']) {
    assert.throws(() => parse(bad), ImapParseError, bad);
  }
});

test('errors carry the tag when it could be read', () => {
  const err = (line: string) => {
    try {
      parseCommand(frameOne(line));
    } catch (e) {
      assert.ok(e instanceof ImapParseError);
      return e;
    }
    assert.fail(`parsed: ${line}`);
  };
  assert.equal(err('x17 FROB').tag, 'x17');
  assert.equal(err('x17 LOGIN a').tag, 'x17');
  assert.equal(err('+bad NOOP').tag, undefined);
  assert.equal(err('a  NOOP').tag, 'a');
  assert.equal(err('a NOOP extra').tag, 'a');
  assert.equal(err('a SELECT Citt&AOA').message.includes('mailbox'), true);
});
