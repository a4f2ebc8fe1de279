// BINARY[part] and BINARY.SIZE[part] (RFC 3516): content-transfer decoding of parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MessageView, decodeTransfer, decodedSize } from '../src/index.ts';

const crlf = (lines: string[]): string => lines.join('\r\n');
const latin1 = (b: Uint8Array | undefined): string => Buffer.from(b!).toString('latin1');

const payload = randomBytes(5000);
const b64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
const MSG = Buffer.from(crlf([
  'Content-Type: multipart/mixed; boundary=b', '', '--b',
  'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: Quoted-Printable', '',
  'Citt=E0 =3D caf=e9 soft=', 'break  ', 'trailing tabs\t\t', '=XY stays', '--b',
  'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', b64, '--b',
  'Content-Type: text/plain', 'Content-Transfer-Encoding: 8bit', '', 'caf\xe9 8bit', '--b',
  'Content-Type: application/x-uu', 'Content-Transfer-Encoding: x-uuencode', '', 'begin 644 x', '--b',
  'Content-Type: message/rfc822', '', 'Subject: inner', 'Content-Transfer-Encoding: base64', '', 'aW5uZXI=', '--b--', '',
]), 'latin1');
const view = new MessageView(MSG);

test('quoted-printable: octets, soft line breaks, transport padding, stray "="', () => {
  const out = view.binary([1]);
  assert.equal(latin1(out), 'Citt\xe0 = caf\xe9 softbreak\r\ntrailing tabs\r\n=XY stays');
  assert.equal(view.binarySize([1]), out!.length);
});

test('base64 decodes to the original octets; the size is counted without decoding', () => {
  const out = view.binary([2]);
  assert.deepEqual(Buffer.from(out!), payload);
  assert.equal(view.binarySize([2]), 5000);
});

test('identity encodings return the stored bytes themselves', () => {
  const out = view.binary([3])!;
  assert.equal(latin1(out), 'caf\xe9 8bit');
  assert.equal(out.buffer, MSG.buffer);
  assert.equal(view.binarySize([3]), out.length);
});

test('an unknown transfer encoding is undefined (the server answers NO [UNKNOWN-CTE])', () => {
  assert.equal(view.binary([4]), undefined);
  assert.equal(view.binarySize([4]), undefined);
});

test('message/rfc822 parts: the whole encapsulated message, and its own parts decoded', () => {
  assert.equal(latin1(view.binary([5])), 'Subject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naW5uZXI=');
  assert.equal(latin1(view.binary([5, 1])), 'inner');
  assert.equal(view.binarySize([5, 1]), 5);
});

test('BINARY[] is the whole message; parts that do not exist are empty', () => {
  assert.equal(view.binary([]), view.bytes);
  assert.equal(view.binarySize([]), MSG.length);
  assert.equal(view.binary([9])!.length, 0);
  assert.equal(view.binarySize([9]), 0);
  assert.equal(view.binary([1, 1])!.length, 0);
});

test('a single-part message: BINARY[1] is its decoded body', () => {
  const v = new MessageView(Buffer.from('Content-Type: image/png\r\nContent-Transfer-Encoding: BASE64\r\n\r\niVBORw0KGgo=\r\n'));
  assert.deepEqual([...v.binary([1])!], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(v.binarySize([1]), 8);
});

test('decoders: lenient base64 (junk, padding inside, missing padding) and sizes agree', () => {
  const cases: Array<[string, string, string]> = [
    ['base64', 'QUJD\r\nREVG', 'ABCDEF'],
    ['base64', 'QQ==Qg==', 'AB'],
    ['base64', 'QUI', 'AB'],
    ['base64', '!!Q U\tJ D*', 'ABC'],
    ['base64', 'Q', ''],
    ['quoted-printable', 'a=\r\nb=\nc', 'abc'],
    ['quoted-printable', 'x = y=', 'x = y'],
    ['quoted-printable', 'line  \nnext', 'line\nnext'],
    ['quoted-printable', '=4', '=4'],
    ['7bit', 'as is', 'as is'],
  ];
  for (const [enc, input, expected] of cases) {
    const bytes = Buffer.from(input, 'latin1');
    assert.equal(latin1(decodeTransfer(bytes, enc)), expected, `${enc} ${JSON.stringify(input)}`);
    assert.equal(decodedSize(bytes, enc), Buffer.byteLength(expected, 'latin1'), `${enc} size ${JSON.stringify(input)}`);
  }
});
