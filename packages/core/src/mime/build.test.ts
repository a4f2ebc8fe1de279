import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatChunks, encodeUnstructured, entity, foldField, formatAddress, multipartBody, newBoundary, textPart } from './build.ts';
import { parseMessage, rawBody } from './parse.ts';
import { decodeText, decodeWords } from './decode.ts';
import { normalizeCrlf, splice } from './rewrite.ts';
import { parseAddressList } from './addresses.ts';

test('built multiparts parse back to the same parts', () => {
  const b = newBoundary();
  const msg = concatChunks(entity([['Content-Type', `multipart/alternative; boundary="${b}"`]], multipartBody(b, [textPart('plain', 'Città è €\n'), textPart('html', '<p>x</p>')])));
  assert.ok(!/[^\r]\n/.test(msg.toString('latin1')), 'only CRLF line ends');
  assert.ok(msg.every((byte) => byte < 128), '7-bit clean');
  const parsed = parseMessage(msg);
  assert.equal(parsed.problems.length, 0);
  assert.equal(parsed.root.children.length, 2);
  assert.equal(decodeText(parsed, parsed.root.children[0]!).text, 'Città è €\r\n');
});

test('folding keeps lines short and unfolds to the same value', () => {
  const value = 'word '.repeat(60).trim();
  const field = foldField('Subject', value);
  for (const line of field.split('\r\n')) assert.ok(line.length <= 78, line);
  const parsed = parseMessage(Buffer.from(field + '\r\nbody'));
  assert.equal(parsed.root.headers[0]!.value, value);
});

test('RFC 2047 subjects and display names round trip', () => {
  const s = 'POSTA CERTIFICATA: Determina n. 42 – Città di Bari «urgente» 📎 日本';
  const encoded = encodeUnstructured(s);
  assert.ok(/^[\x20-\x7e]*$/.test(encoded));
  assert.equal(decodeWords(encoded), s);
  const addr = formatAddress('posta-certificata@pec.test', 'Per conto di: è@pec.test');
  assert.deepEqual(parseAddressList(addr), [{ name: 'Per conto di: è@pec.test', address: 'posta-certificata@pec.test' }]);
});

test('splice replaces ranges and keeps every other byte', () => {
  const src = Buffer.from('0123456789');
  assert.equal(concatChunks(splice(src, [{ start: 2, end: 4, replacement: [Buffer.from('ab')] }, { start: 0, end: 0, replacement: [Buffer.from('>')] }])).toString(), '>01ab456789');
});

test('normalizeCrlf converts bare LF only and does not copy clean input', () => {
  const clean = Buffer.from('a\r\nb\r\n');
  assert.equal(normalizeCrlf(clean), clean);
  assert.equal(Buffer.from(normalizeCrlf(Buffer.from('a\nb\r\nc\n'))).toString(), 'a\r\nb\r\nc\r\n');
  const big = parseMessage(Buffer.from('Subject: x\n\nline\n'));
  assert.equal(Buffer.from(rawBody(big, big.root)).toString(), 'line\n');
});
