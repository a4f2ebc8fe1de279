import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, entityBytes, rawBody, walk, fileName } from './parse.ts';
import { decodeBody, decodeText } from './decode.ts';
import { headerValue } from './headers.ts';
import { RecapitoError } from '../errors.ts';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

const SIGNED = [
  'From: a@example.it',
  'Subject: =?UTF-8?Q?Citt=C3=A0?=',
  'Content-Type: multipart/signed; protocol="application/x-pkcs7-signature";',
  ' micalg="sha-256"; boundary="outer"',
  '',
  'This is an S/MIME signed message',
  '--outer',
  'Content-Type: multipart/mixed; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=ISO-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Citt=E0',
  '--inner',
  'Content-Type: application/xml; name="daticert.xml"',
  'Content-Transfer-Encoding: base64',
  '',
  'PHg+w6A8L3g+',
  '--inner--',
  '',
  '--outer',
  'Content-Type: application/x-pkcs7-signature; name="smime.p7s"',
  '',
  'SIG',
  '--outer--',
  '',
].join('\r\n');

test('parses nested multiparts with byte offsets and folded headers', () => {
  const msg = parseMessage(enc(SIGNED));
  assert.equal(msg.problems.length, 0);
  assert.equal(msg.root.contentType.mime, 'multipart/signed');
  assert.equal(msg.root.contentType.params['protocol'], 'application/x-pkcs7-signature');
  assert.equal(msg.root.children.length, 2);
  const content = msg.root.children[0]!;
  // The signed content is exactly the bytes between the delimiter line and the CRLF before the next one.
  const signed = Buffer.from(entityBytes(msg, content)).toString();
  assert.ok(signed.startsWith('Content-Type: multipart/mixed; boundary="inner"\r\n\r\n--inner'));
  assert.ok(signed.endsWith('--inner--\r\n'));
  assert.equal(content.children.length, 2);
  const [text, xml] = content.children;
  assert.equal(decodeText(msg, text!).text, 'Città');
  assert.equal(fileName(xml!), 'daticert.xml');
  assert.equal(Buffer.from(decodeBody(msg, xml!).bytes).toString(), '<x>à</x>');
  assert.equal(Buffer.from(rawBody(msg, msg.root.children[1]!)).toString(), 'SIG');
  assert.equal(headerValue(msg.root.headers, 'SUBJECT'), '=?UTF-8?Q?Citt=C3=A0?=');
});

test('LF-only messages parse too', () => {
  const msg = parseMessage(enc(SIGNED.replace(/\r\n/g, '\n')));
  assert.equal(msg.root.children.length, 2);
  assert.equal(Buffer.from(entityBytes(msg, msg.root.children[0]!)).toString().endsWith('--inner--\n'), true);
});

test('message/rfc822 parts are parsed as embedded messages', () => {
  const raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nbody\r\n--b--\r\n';
  const msg = parseMessage(enc(raw));
  const inner = msg.root.children[0]!.children[0]!;
  assert.equal(headerValue(inner.headers, 'subject'), 'inner');
  assert.equal(Buffer.from(rawBody(msg, inner)).toString(), 'body');
});

test('a boundary inside a line is not a delimiter', () => {
  const raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nsee --b here\r\n--bx\r\n--b--\r\n';
  const msg = parseMessage(enc(raw));
  assert.equal(msg.root.children.length, 1);
  assert.equal(Buffer.from(rawBody(msg, msg.root.children[0]!)).toString(), 'see --b here\r\n--bx');
});

test('hostile: truncated multipart is reported, not thrown', () => {
  const raw = SIGNED.slice(0, SIGNED.indexOf('--inner--'));
  const msg = parseMessage(enc(raw));
  assert.ok(msg.problems.some((p) => p.code === 'MIME_TRUNCATED'));
});

test('hostile: 10,000 nested multiparts stop at the depth limit quickly', () => {
  let raw = '';
  for (let i = 0; i < 10_000; i++) raw += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  const started = process.hrtime.bigint();
  assert.throws(() => parseMessage(enc(raw)), (e: unknown) => e instanceof RecapitoError && e.code === 'MIME_TOO_DEEP');
  assert.ok(process.hrtime.bigint() - started < 5_000_000_000n);
});

test('hostile: 10,000 sibling parts hit the part limit', () => {
  let raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n';
  for (let i = 0; i < 10_000; i++) raw += '--b\r\n\r\nx\r\n';
  raw += '--b--\r\n';
  assert.throws(() => parseMessage(enc(raw)), (e: unknown) => e instanceof RecapitoError && e.code === 'MIME_TOO_MANY_PARTS');
});

test('hostile: a 1 MB header line is refused with MIME_HEADER_TOO_LONG', () => {
  const raw = `Subject: ${'x'.repeat(1024 * 1024)}\r\n\r\nbody`;
  assert.throws(() => parseMessage(enc(raw)), (e: unknown) => e instanceof RecapitoError && e.code === 'MIME_HEADER_TOO_LONG');
});

test('hostile: broken base64 is decoded leniently and reported', () => {
  const raw = 'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAB$$CD!\r\n';
  const msg = parseMessage(enc(raw));
  const d = decodeBody(msg, msg.root);
  assert.ok(d.problems.some((p) => p.code === 'MIME_BAD_BASE64'));
});

test('hostile: empty input, garbage, binary noise', () => {
  assert.throws(() => parseMessage(new Uint8Array()), (e: unknown) => e instanceof RecapitoError && e.code === 'MIME_EMPTY');
  const noise = new Uint8Array(100_000);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 256;
  const msg = parseMessage(noise);
  assert.ok([...walk(msg.root)].length >= 1);
  const noHeader = parseMessage(enc('just a line of text\r\nand more'));
  assert.ok(noHeader.problems.some((p) => p.code === 'MIME_BAD_HEADER'));
});

test('multipart without boundary and without delimiters are reported', () => {
  assert.ok(parseMessage(enc('Content-Type: multipart/mixed\r\n\r\nx')).problems.some((p) => p.code === 'MIME_NO_BOUNDARY'));
  assert.ok(parseMessage(enc('Content-Type: multipart/mixed; boundary=q\r\n\r\nx')).problems.some((p) => p.code === 'MIME_NO_PARTS'));
});
