// BODYSTRUCTURE and BODY (RFC 3501 §7.4.2), checked in their serialized form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageView, serialize, untagged, type WireValue } from '../src/index.ts';

const crlf = (lines: string[]): string => lines.join('\r\n');
const wire = (v: WireValue): string => Buffer.concat(serialize([v])).toString('utf8');
const view = (text: string): MessageView => new MessageView(Buffer.from(text, 'utf8'));
const body = (text: string): string => wire(view(text).bodyStructure(false));
const structure = (text: string): string => wire(view(text).bodyStructure(true));

/** `count` lines with CRLF, of which the first `long` have `width + 1` characters. */
const lines = (count: number, width: number, long = 0, ch = 'a'): string =>
  Array.from({ length: count }, (_, i) => `${ch.repeat(i < long ? width + 1 : width)}\r\n`).join('');

test('RFC 3501 §7.4.2: a simple text message of 48 lines and 2279 octets', () => {
  // 48 lines with CRLF: 2279 - 96 = 2183 characters, as 23 lines of 46 and 25 of 45.
  const text = lines(48, 45, 23);
  assert.equal(Buffer.byteLength(text), 2279);
  assert.equal(body(`Subject: simple\r\n\r\n${text}`), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48)');
  assert.equal(structure(`Subject: simple\r\n\r\n${text}`), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48 NIL NIL NIL NIL)');
});

test('RFC 3501 §7.4.2: a text and a BASE64-encoded text attachment', () => {
  const first = lines(23, 48, 2); // 1152 octets in 23 lines
  const second = lines(73, 60, 28, 'Q'); // 4554 octets in 73 lines
  assert.equal(Buffer.byteLength(first), 1152);
  assert.equal(Buffer.byteLength(second), 4554);
  const msg = crlf([
    'Content-Type: MULTIPART/MIXED; BOUNDARY="x"', '', '--x',
    'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII', 'Content-Transfer-Encoding: 7BIT', '', first, '--x',
    'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff',
    'Content-ID: <960723163407.20117h@cac.washington.edu>',
    'Content-Description: Compiler diff',
    'Content-Transfer-Encoding: BASE64', '', second, '--x--', '',
  ]);
  assert.equal(body(msg), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff")'
    + ' "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")');
  assert.equal(structure(msg), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23 NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff")'
    + ' "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL)');
});

test('multipart/mixed with an attachment: disposition, language, location, MD5', () => {
  const msg = crlf([
    'Subject: report', 'Content-Type: multipart/mixed; boundary=b', 'Content-Language: it', '', '--b',
    'Content-Type: text/plain; charset=utf-8; format=flowed', 'Content-Transfer-Encoding: 8bit', '', 'Città\r\ndue', '--b',
    'Content-Type: application/pdf; name="relazione 2024.pdf"',
    'Content-Disposition: attachment;', '\tfilename="relazione 2024.pdf"; size=3',
    'Content-Transfer-Encoding: base64', 'Content-Language: it, en-GB (commento)',
    'Content-Location: http://example.test/a', ' /relazione.pdf', 'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==', '', 'JVBE', '--b--', '',
  ]);
  assert.equal(structure(msg),
    '(("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "8bit" 11 1 NIL NIL NIL NIL)'
    + '("application" "pdf" ("name" "relazione 2024.pdf") NIL NIL "base64" 4 "Q2hlY2sgSW50ZWdyaXR5IQ=="'
    + ' ("attachment" ("filename" "relazione 2024.pdf" "size" "3")) ("it" "en-GB") "http://example.test/a/relazione.pdf")'
    + ' "mixed" ("boundary" "b") NIL "it" NIL)');
});

test('multipart/alternative inside multipart/mixed', () => {
  const msg = crlf([
    'Content-Type: multipart/mixed; boundary=outer', '', '--outer',
    'Content-Type: multipart/alternative; boundary=inner', '', '--inner', 'Content-Type: text/plain', '', 'plain', '--inner',
    'Content-Type: text/html', '', '<p>html</p>', '--inner--', '', '--outer',
    'Content-Type: image/png', 'Content-Transfer-Encoding: base64', 'Content-ID: <img1@example.test>', '', 'iVBORw0KGgo=', '--outer--', '',
  ]);
  assert.equal(body(msg), '((("text" "plain" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 0)("text" "html" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 11 0) "alternative")'
    + '("image" "png" NIL "<img1@example.test>" NIL "base64" 12) "mixed")');
});

test('message/rfc822 attachment: envelope, nested structure and lines', () => {
  const msg = crlf([
    'From: outer@example.test', 'Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'see attached', '--b',
    'Content-Type: message/rfc822', 'Content-Description: forwarded', '',
    'From: Inner Sender <inner@example.test>', 'Subject: =?UTF-8?B?w6g=?=', 'Date: Tue, 2 Jan 2024 08:00:00 +0000',
    'Content-Type: multipart/alternative; boundary=i', '', '--i', '', 'one', '--i', 'Content-Type: text/html', '', 'two', '--i--', '--b--', '',
  ]);
  const inner = '("Tue, 2 Jan 2024 08:00:00 +0000" "=?UTF-8?B?w6g=?=" (("Inner Sender" NIL "inner" "example.test"))'
    + ' (("Inner Sender" NIL "inner" "example.test")) (("Inner Sender" NIL "inner" "example.test")) NIL NIL NIL NIL NIL)';
  assert.equal(body(msg), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 12 0)("message" "rfc822" NIL NIL "forwarded" "7BIT" 211 '
    + `${inner} (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 0)("text" "html" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3 0) "alternative") 12) "mixed")`);
  assert.match(structure(msg), /"alternative" \("boundary" "i"\) NIL NIL NIL\) 12 NIL NIL NIL NIL\) "mixed" \("boundary" "b"\) NIL NIL NIL\)$/);
});

test('a PEC message: multipart/signed with application/pkcs7-signature', () => {
  const msg = crlf([
    'From: "Per conto di: mittente@pec.test" <posta-certificata@pec.test>', 'Subject: POSTA CERTIFICATA: prova',
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;', '\tboundary="----S"', '',
    'This is an S/MIME signed message', '', '------S', 'Content-Type: multipart/mixed; boundary="----M"', '', '------M',
    'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable', '', 'Messaggio: Citt=C3=A0', '------M',
    'Content-Type: application/xml; name="daticert.xml"', 'Content-Disposition: inline; filename="daticert.xml"',
    'Content-Transfer-Encoding: base64', '', 'PHBvc3RhY2VydC8+', '------M',
    'Content-Type: message/rfc822; name="postacert.eml"', 'Content-Disposition: inline; filename="postacert.eml"', '',
    'From: mittente@pec.test', 'Subject: prova', '', 'Testo.', '------M--', '', '------S',
    'Content-Type: application/pkcs7-signature; name="smime.p7s"', 'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="smime.p7s"', 'Content-Description: S/MIME Cryptographic Signature', '',
    'MIAGCSqGSIb3DQEHAqCAMIACAQEx', '------S--', '',
  ]);
  const env = '(NIL "prova" ((NIL NIL "mittente" "pec.test")) ((NIL NIL "mittente" "pec.test")) ((NIL NIL "mittente" "pec.test")) NIL NIL NIL NIL NIL)';
  assert.equal(structure(msg),
    '((("text" "plain" ("charset" "UTF-8") NIL NIL "quoted-printable" 21 0 NIL NIL NIL NIL)'
    + '("application" "xml" ("name" "daticert.xml") NIL NIL "base64" 16 NIL ("inline" ("filename" "daticert.xml")) NIL NIL)'
    + `("message" "rfc822" ("name" "postacert.eml") NIL NIL "7BIT" 49 ${env} ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 6 0 NIL NIL NIL NIL) 3`
    + ' NIL ("inline" ("filename" "postacert.eml")) NIL NIL) "mixed" ("boundary" "----M") NIL NIL NIL)'
    + '("application" "pkcs7-signature" ("name" "smime.p7s") NIL "S/MIME Cryptographic Signature" "base64" 28 NIL ("attachment" ("filename" "smime.p7s")) NIL NIL)'
    + ' "signed" ("protocol" "application/pkcs7-signature" "micalg" "sha-256" "boundary" "----S") NIL NIL NIL)');
});

test('defaults: no Content-Type, unusable Content-Type, digest parts, text without charset', () => {
  assert.equal(body('Subject: x\r\n\r\nhi\r\n'), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 1)');
  assert.equal(body('Content-Type: text\r\nContent-Transfer-Encoding: 8bit\r\n\r\nhi'), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "8bit" 2 0)');
  assert.equal(body('Content-Type: text/html; format=flowed\r\n\r\n'), '("text" "html" ("format" "flowed" "CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)');
  assert.equal(body('Content-Type: Application/X-Thing\r\n\r\nzz'), '("Application" "X-Thing" NIL NIL NIL "7BIT" 2)');
  // RFC 2046 §5.1.5: the parts of a digest are message/rfc822 unless they say otherwise.
  const digest = crlf(['Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'first', '--d',
    'Content-Type: text/plain', '', 'not a message', '--d--', '']);
  assert.equal(body(digest), '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 21 (NIL "one" NIL NIL NIL NIL NIL NIL NIL NIL)'
    + ' ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 0) 2)("text" "plain" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 13 0) "digest")');
});

test('parameters are reported as written: RFC 2231 continuations and odd values stay as they are', () => {
  const msg = 'Content-Type: application/octet-stream;\r\n name*0*=UTF-8\'\'Citt%C3%A0;\r\n name*1=".pdf"; x=a=b; ;junk;  Y = "q\\"d"\r\n\r\nz';
  assert.equal(body(msg), '("application" "octet-stream" ("name*0*" "UTF-8\'\'Citt%C3%A0" "name*1" ".pdf" "x" "a=b" "Y" "q\\"d") NIL NIL "7BIT" 1)');
  // A quoted value keeps its inner white space; a folded Content-Location loses it (RFC 2557 §4.2).
  assert.match(structure('Content-Type: x/y; name="  two  spaces "\r\nContent-Location: http://e.test/a_(b)\r\n /c\r\n\r\n'),
    /^\("x" "y" \("name" " {2}two {2}spaces "\) NIL NIL "7BIT" 0 NIL NIL NIL "http:\/\/e.test\/a_\(b\)\/c"\)$/);
  // 8-bit parameter values are sent as literals.
  assert.equal(body('Content-Type: text/plain; name="è.txt"\r\n\r\n'), `("text" "plain" ("name" {${Buffer.byteLength('è.txt')}}\r\nè.txt "CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)`);
});

test('an encoded or empty message/rfc822 is described as an empty message', () => {
  const msg = 'Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp4\r\n';
  assert.equal(body(msg), '("message" "rfc822" NIL NIL NIL "base64" 22 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) 1)');
  assert.match(body('Content-Type: message/rfc822\r\n\r\n'), /^\("message" "rfc822" NIL NIL NIL "7BIT" 0 \(NIL( NIL){9}\) \("TEXT"/);
});

test('a multipart without boundary or without parts still has one body (RFC 3501 §9 1*body)', () => {
  assert.equal(body('Content-Type: multipart/mixed\r\n\r\nno parts'), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) "mixed")');
  assert.equal(structure('Content-Type: multipart/mixed; boundary=q\r\n\r\nno delimiter'),
    '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "q") NIL NIL NIL)');
});

test('serialized inside a FETCH response; computed once per view', () => {
  const v = view(crlf(['Content-Type: multipart/alternative; boundary=a', '', '--a', '', 'x', '--a', '', 'y', '--a--', '']));
  const line = Buffer.concat(untagged([1, { atom: 'FETCH' }, [{ atom: 'BODYSTRUCTURE' }, v.bodyStructure(true)]])).toString();
  assert.equal(line, '* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0 NIL NIL NIL NIL)'
    + '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 0 NIL NIL NIL NIL) "alternative" ("boundary" "a") NIL NIL NIL))\r\n');
  assert.equal(v.bodyStructure(true), v.bodyStructure(true));
  assert.equal(v.envelope(), v.envelope());
});
