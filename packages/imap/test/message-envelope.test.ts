// ENVELOPE (RFC 3501 §7.4.2) from stored messages, checked in its serialized form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageView, serialize, untagged, type WireValue } from '../src/index.ts';

const msg = (lines: string[]): MessageView => new MessageView(Buffer.from(lines.join('\r\n'), 'utf8'));
const wire = (v: WireValue): string => Buffer.concat(serialize([v])).toString('utf8');
const env = (lines: string[]): string => wire(msg([...lines, '', 'body', '']).envelope());

/** The RFC 3501 §8 sample message: its header is exactly 342 octets, its body 3028 in 92 lines. */
function rfc3501Sample(): Buffer {
  const header = [
    'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
    'From: Terry Gray <gray@cac.washington.edu>',
    'Subject: IMAP4rev1 WG mtg summary and minutes',
    'To: imap@cac.washington.edu',
    'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
    'Message-Id: <B27397-0100000@cac.washington.edu>',
    'MIME-Version: 1.0',
    'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
    '', '',
  ].join('\r\n');
  const lines = Array.from({ length: 92 }, (_, i) => `${i < 84 ? 'x'.repeat(31) : 'y'.repeat(30)}\r\n`);
  return Buffer.from(header + lines.join(''), 'latin1');
}

test('the RFC 3501 §8 sample: ENVELOPE, BODY and BODY[HEADER] exactly as in the RFC', () => {
  const view = new MessageView(rfc3501Sample());
  assert.equal(view.section({ part: [], text: 'HEADER' }).length, 342);
  assert.equal(view.size, 342 + 3028);
  const line = Buffer.concat(untagged([12, { atom: 'FETCH' }, [{ atom: 'ENVELOPE' }, view.envelope(), { atom: 'BODY' }, view.bodyStructure(false)]])).toString();
  assert.equal(line, '* 12 FETCH (ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes"'
    + ' (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu"))'
    + ' (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu"))'
    + ' ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL'
    + ' "<B27397-0100000@cac.washington.edu>")'
    + ' BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))\r\n');
});

test('group syntax: start marker, members, end marker; empty groups', () => {
  // RFC 5322 Appendix A.1.3.
  assert.equal(env(['From: Pete <pete@silly.example>', 'To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;', 'Cc: Undisclosed recipients:;']),
    '(NIL NIL (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example")) (("Pete" NIL "pete" "silly.example"))'
    + ' ((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL))'
    + ' ((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)');
  // A group left open by a truncated header is closed.
  assert.match(env(['To: team: a@b.c, d@e.f']), /\(\(NIL NIL "team" NIL\)\(NIL NIL "a" "b.c"\)\(NIL NIL "d" "e.f"\)\(NIL NIL NIL NIL\)\)/);
  // Mailboxes before and after a group.
  assert.match(env(['To: x@y.z, g: a@b.c;, w@v.u']), /\(\(NIL NIL "x" "y.z"\)\(NIL NIL "g" NIL\)\(NIL NIL "a" "b.c"\)\(NIL NIL NIL NIL\)\(NIL NIL "w" "v.u"\)\)/);
});

test('missing and empty fields: NIL or "", and sender/reply-to default to from', () => {
  assert.equal(env(['Subject: only a subject']), '(NIL "only a subject" NIL NIL NIL NIL NIL NIL NIL NIL)');
  assert.equal(env(['Subject:', 'From:', 'Message-ID: <a@b>']), '(NIL "" NIL NIL NIL NIL NIL NIL NIL "<a@b>")');
  const e = env(['From: a@b.c', 'Sender: s@b.c', 'Reply-To:', 'In-Reply-To: <x@y>', 'Bcc: hidden@b.c']);
  assert.equal(e, '(NIL NIL ((NIL NIL "a" "b.c")) ((NIL NIL "s" "b.c")) ((NIL NIL "a" "b.c")) NIL NIL ((NIL NIL "hidden" "b.c")) "<x@y>" NIL)');
  // A message with no header at all.
  assert.equal(wire(new MessageView(Buffer.from('\r\njust a body\r\n')).envelope()), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
});

test('RFC 2047 words are sent as written; folded values are unfolded', () => {
  const e = env([
    'Subject: =?UTF-8?Q?POSTA_CERTIFICATA:_Citt=C3=A0?=',
    '  =?UTF-8?B?wqs=?=',
    'From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>',
  ]);
  assert.match(e, /^\(NIL "=\?UTF-8\?Q\?POSTA_CERTIFICATA:_Citt=C3=A0\?= {2}=\?UTF-8\?B\?wqs=\?=" /);
  assert.match(e, /\(\("=\?ISO-8859-1\?Q\?Andr=E9\?= Pirard" NIL "PIRARD" "vm1.ulg.ac.be"\)\)/);
});

test('address forms: quoting, routes, comments, obsolete phrases, missing parts', () => {
  const to = (value: string): string => {
    const e = msg([`To: ${value}`, '', '']).envelope() as WireValue[];
    return wire(e[5]!);
  };
  assert.equal(to('"Doe, John \\"JD\\"" <john.doe@example.test>'), '(("Doe, John \\"JD\\"" NIL "john.doe" "example.test"))');
  assert.equal(to('"john q"@example.test'), '((NIL NIL "john q" "example.test"))');
  assert.equal(to('<@route1.test,@route2.test:jdoe@example.test>'), '((NIL "@route1.test,@route2.test" "jdoe" "example.test"))');
  assert.equal(to('gray@cac.washington.edu (Terry Gray)'), '(("Terry Gray" NIL "gray" "cac.washington.edu"))');
  assert.equal(to('John Q. Public <jqp@example.test>'), '(("John Q. Public" NIL "jqp" "example.test"))');
  assert.equal(to('Jane (the boss) Roe <jr (x) @ example . test>'), '(("Jane Roe" NIL "jr" "example.test"))');
  assert.equal(to('root'), '((NIL NIL "root" "MISSING_DOMAIN"))');
  assert.equal(to('<@host.test>'), '((NIL NIL "MISSING_MAILBOX" "host.test"))');
  assert.equal(to('a@[192.0.2.1]'), '((NIL NIL "a" "[192.0.2.1]"))');
  assert.equal(to(' , ,a@b.c,,'), '((NIL NIL "a" "b.c"))');
  assert.equal(to('<>'), 'NIL');
  // Unbalanced quotes, comments and brackets do not throw.
  for (const broken of ['"unterminated <a@b.c>', '(open comment a@b.c', '<a@b.c', 'x <y', '>>>;;;:::', '\\']) {
    assert.doesNotThrow(() => to(broken));
  }
});

test('8-bit names (RFC 6532) are sent as literals inside the address list', () => {
  const e = msg(['From: Città Metropolitana <protocollo@pec.città.it>', '', '']).envelope() as WireValue[];
  const from = wire(e[2]!);
  const name = Buffer.byteLength('Città Metropolitana');
  assert.equal(from, `(({${name}}\r\nCittà Metropolitana NIL "protocollo" {${Buffer.byteLength('pec.città.it')}}\r\npec.città.it))`);
});

test('the first of repeated fields is used; LF-only messages are read too', () => {
  const view = new MessageView(Buffer.from('Subject: one\nSubject: two\nFrom: a@b.c\n\nbody\n'));
  assert.equal(wire(view.envelope()), '(NIL "one" ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) NIL NIL NIL NIL NIL)');
});
