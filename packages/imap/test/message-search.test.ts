// SEARCH matching (RFC 3501 §6.4.4): every key, on flags, numbers, dates and decoded content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageView, matchSearch, searchNeedsContent, type SearchKey, type SearchSubject } from '../src/index.ts';
import { parse } from './helpers.ts';

const crlf = (lines: string[]): string => lines.join('\r\n');

const MSG = crlf([
  'From: =?UTF-8?Q?Citt=C3=A0_di_Bari?= <protocollo@pec.comune.bari.test>',
  'To: Ufficio Tributi <tributi@pec.test>, altro@pec.test',
  'Cc: copia@pec.test',
  'Bcc: nascosto@pec.test',
  'Subject: =?ISO-8859-1?Q?Determina_n._42_=96_urgente?=',
  'Date: Mon, 1 Jan 2024 23:30:00 -0800',
  'X-Riferimento-Message-ID: <abc@pec.test>',
  'X-Empty:',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('Il pagamento è dovuto entro trenta giorni.\r\n').toString('base64'),
  '--b',
  'Content-Type: text/html; charset=ISO-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p>Citt=E0 metropolitana, caf=E9</p>',
  '--b',
  'Content-Type: text/plain; charset=windows-1252',
  'Content-Transfer-Encoding: 8bit',
  '',
  'virgolette \x93curve\x94',
  '--b',
  'Content-Type: application/octet-stream',
  '',
  'segreto binario',
  '--b',
  'Content-Type: message/rfc822',
  '',
  'Subject: inoltrato',
  '',
  'testo inoltrato',
  '--b--',
  '',
]);

const bytes = Buffer.from(MSG, 'latin1');

function subject(over: Partial<SearchSubject> = {}): SearchSubject {
  return {
    seq: 3, uid: 103, maxSeq: 10, maxUid: 110, flags: ['\\Seen', '\\flagged', 'Urgent'], size: bytes.length,
    internalDate: new Date('2024-01-02T23:59:59Z'), modseq: 42, view: new MessageView(bytes), ...over,
  };
}

/** Parses `UID SEARCH <criteria>` with the real parser and matches the subject. */
function search(criteria: string, over: Partial<SearchSubject> = {}): boolean {
  const cmd = parse(`a UID SEARCH ${criteria}`);
  assert.equal(cmd.name, 'SEARCH');
  return matchSearch(cmd.name === 'SEARCH' ? cmd.criteria : [], subject(over));
}

test('ALL, system flags and their negations, case-insensitive', () => {
  assert.ok(search('ALL'));
  assert.ok(search('SEEN') && search('FLAGGED') && !search('UNSEEN') && !search('UNFLAGGED'));
  assert.ok(!search('ANSWERED') && search('UNANSWERED') && !search('DELETED') && search('UNDELETED'));
  assert.ok(!search('DRAFT') && search('UNDRAFT'));
  assert.ok(search('DELETED DRAFT ANSWERED', { flags: ['\\DELETED', '\\draft', '\\Answered'] }));
});

test('RECENT never matches, NEW neither, OLD always (no \\Recent here)', () => {
  assert.ok(!search('RECENT') && !search('NEW') && search('OLD'));
  assert.ok(!search('NEW', { flags: [] }));
  assert.ok(search('NOT RECENT'));
});

test('KEYWORD and UNKEYWORD, case-insensitive', () => {
  assert.ok(search('KEYWORD urgent') && !search('UNKEYWORD URGENT'));
  assert.ok(!search('KEYWORD $Junk') && search('UNKEYWORD $Junk'));
});

test('LARGER and SMALLER are strict', () => {
  assert.ok(search(`LARGER ${bytes.length - 1}`) && !search(`LARGER ${bytes.length}`));
  assert.ok(search(`SMALLER ${bytes.length + 1}`) && !search(`SMALLER ${bytes.length}`));
});

test('sequence sets and UID sets, with * and reversed ranges', () => {
  assert.ok(search('3') && search('1:3') && search('5:2') && search('1,3,7') && !search('4:*'));
  assert.ok(search('*', { seq: 10 }) && search('11:*', { seq: 10 }));
  assert.ok(search('UID 103') && search('UID 200:100') && search('UID *:103') && !search('UID 104:*'));
  assert.ok(search('UID 500:*', { uid: 110 }));
});

test('MODSEQ: at least the given value; entry names do not narrow it', () => {
  assert.ok(search('MODSEQ 42') && search('MODSEQ 1') && !search('MODSEQ 43'));
  assert.ok(search('MODSEQ "/flags/\\\\seen" all 40'));
});

test('NOT, OR and parenthesized AND', () => {
  assert.ok(search('NOT DELETED') && !search('NOT SEEN'));
  assert.ok(search('OR DELETED SEEN') && !search('OR DELETED DRAFT'));
  assert.ok(search('(SEEN FLAGGED)') && !search('(SEEN DELETED)'));
  assert.ok(search('OR (DELETED SEEN) (FLAGGED NOT DRAFT)'));
});

test('BEFORE, ON, SINCE: the internal date\'s day, in UTC like INTERNALDATE', () => {
  assert.ok(search('ON 2-Jan-2024') && !search('ON 3-Jan-2024'));
  assert.ok(search('SINCE 2-Jan-2024') && search('SINCE 1-Jan-2024') && !search('SINCE 3-Jan-2024'));
  assert.ok(search('BEFORE 3-Jan-2024') && !search('BEFORE 2-Jan-2024'));
});

test('SENTBEFORE, SENTON, SENTSINCE: the Date header\'s day in its own zone', () => {
  // 1 Jan 23:30 -0800 is 2 Jan in UTC, but the header says 1 Jan (RFC 3501 §6.4.4).
  assert.ok(search('SENTON 1-Jan-2024') && !search('SENTON 2-Jan-2024'));
  assert.ok(search('SENTSINCE 1-Jan-2024') && !search('SENTSINCE 2-Jan-2024'));
  assert.ok(search('SENTBEFORE 2-Jan-2024') && !search('SENTBEFORE 1-Jan-2024'));
  const noDate = { view: new MessageView(Buffer.from('Subject: x\r\n\r\n')) };
  assert.ok(!search('SENTON 1-Jan-2024', noDate) && !search('SENTBEFORE 1-Jan-2030', noDate) && !search('SENTSINCE 1-Jan-1970', noDate));
  assert.equal(subject().view!.sentDate()!.toISOString(), '2024-01-02T07:30:00.000Z');
});

test('FROM, TO, CC, BCC, SUBJECT: substrings of RFC 2047 decoded headers, any case', () => {
  assert.ok(search('FROM "città di bari"') && search('FROM PROTOCOLLO@PEC') && !search('FROM tributi'));
  assert.ok(search('CHARSET UTF-8 FROM "CITTÀ"'));
  assert.ok(search('TO "ufficio tributi"') && search('TO altro@') && !search('TO copia'));
  assert.ok(search('CC copia') && search('BCC nascosto') && !search('BCC copia'));
  assert.ok(search('SUBJECT "n. 42 – urgente"') && search('SUBJECT DETERMINA') && !search('SUBJECT inoltrato'));
  assert.ok(search('SUBJECT ""') && !search('SUBJECT ""', { view: new MessageView(Buffer.from('From: a@b.c\r\n\r\n')) }));
});

test('HEADER: any field by name; "" matches when the field is present', () => {
  assert.ok(search('HEADER X-Riferimento-Message-ID abc@pec') && search('HEADER x-riferimento-message-id ""'));
  assert.ok(search('HEADER X-Empty ""') && !search('HEADER X-Missing ""') && !search('HEADER X-Empty something'));
  assert.ok(search('HEADER Content-Type MULTIPART/MIXED'));
});

test('BODY: decoded text parts in any charset; other media types are not searched', () => {
  assert.ok(search('CHARSET UTF-8 BODY "pagamento è dovuto"'), 'base64 UTF-8');
  assert.ok(search('CHARSET UTF-8 BODY "CITTÀ METROPOLITANA, CAFÉ"'), 'quoted-printable ISO-8859-1');
  assert.ok(search('CHARSET UTF-8 BODY "“curve”"'), 'windows-1252');
  assert.ok(search('BODY "testo inoltrato"') && search('BODY "subject: inoltrato"'), 'encapsulated message');
  assert.ok(!search('BODY "segreto binario"'), 'application/octet-stream');
  assert.ok(!search('BODY protocollo'), 'headers are not body');
  assert.ok(search('BODY ""'));
});

test('TEXT: headers and body', () => {
  assert.ok(search('TEXT protocollo@pec') && search('TEXT trenta') && search('CHARSET UTF-8 TEXT "città di bari"'));
  assert.ok(search('TEXT x-riferimento') && !search('TEXT "not in the message"'));
});

test('text search is capped per message', () => {
  const big = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(1000)}needle\r\n`);
  assert.ok(matchSearch([{ key: 'BODY', value: 'needle' }], subject({ view: new MessageView(big) })));
  const capped = new MessageView(big, { limits: { maxSearchTextBytes: 500 } });
  assert.ok(!matchSearch([{ key: 'BODY', value: 'needle' }], subject({ view: capped })));
  assert.ok(matchSearch([{ key: 'TEXT', value: 'subject: big' }], subject({ view: capped })));
});

test('searchNeedsContent: true exactly for keys that read the message', () => {
  const needs = (criteria: string): boolean => {
    const cmd = parse(`a SEARCH ${criteria}`);
    return cmd.name === 'SEARCH' && searchNeedsContent(cmd.criteria);
  };
  for (const c of ['ALL', 'SEEN UNSEEN NEW OLD RECENT', 'KEYWORD x', 'LARGER 1 SMALLER 9', '1:*', 'UID 1', 'MODSEQ 1',
    'BEFORE 1-Jan-2024 ON 1-Jan-2024 SINCE 1-Jan-2024', 'NOT OR DELETED (DRAFT FLAGGED)']) assert.equal(needs(c), false, c);
  for (const c of ['FROM a', 'TO a', 'CC a', 'BCC a', 'SUBJECT a', 'BODY a', 'TEXT a', 'HEADER X a', 'SENTON 1-Jan-2024',
    'SENTBEFORE 1-Jan-2024', 'SENTSINCE 1-Jan-2024', 'NOT FROM a', 'OR SEEN BODY a', '(SEEN (TEXT a))']) assert.equal(needs(c), true, c);
});

test('a content key without a view is a programming error, not a silent mismatch', () => {
  const keys: SearchKey[] = [{ key: 'BODY', value: 'x' }];
  assert.throws(() => matchSearch(keys, subject({ view: undefined })), TypeError);
  assert.ok(matchSearch([{ key: 'SEEN' }], subject({ view: undefined })));
});
