// BODY[section] (RFC 3501 §6.4.5): part numbers, HEADER, HEADER.FIELDS(.NOT), MIME, TEXT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, walk, type MimeNode } from '@recapito/core';
import { MessageView, type Section } from '../src/index.ts';

const crlf = (lines: string[]): string => lines.join('\r\n');

/** The complex message of RFC 3501 §6.4.5, with each part's body naming its part number. */
const COMPLEX = crlf([
  'From: a@example.test',
  'Subject: complex',
  'Content-Type: MULTIPART/MIXED; boundary=outer',
  '',
  'preamble',
  '--outer',
  'Content-Type: TEXT/PLAIN',
  '',
  'body 1',
  '--outer',
  'Content-Type: APPLICATION/OCTET-STREAM',
  'Content-Transfer-Encoding: base64',
  '',
  'Ym9keSAy',
  '--outer',
  'Content-Type: MESSAGE/RFC822',
  '',
  'Subject: inner 3',
  'Content-Type: MULTIPART/MIXED; boundary=m3',
  '',
  '--m3',
  '',
  'body 3.1',
  '--m3',
  'Content-Type: APPLICATION/OCTET-STREAM',
  '',
  'body 3.2',
  '--m3--',
  '--outer',
  'Content-Type: MULTIPART/MIXED; boundary=m4',
  '',
  '--m4',
  'Content-Type: IMAGE/GIF',
  '',
  'body 4.1',
  '--m4',
  'Content-Type: MESSAGE/RFC822',
  '',
  'Subject: inner 4.2',
  'Content-Type: MULTIPART/MIXED; boundary=m42',
  '',
  '--m42',
  'Content-Type: TEXT/PLAIN',
  '',
  'body 4.2.1',
  '--m42',
  'Content-Type: MULTIPART/ALTERNATIVE; boundary=alt',
  '',
  '--alt',
  'Content-Type: TEXT/PLAIN',
  '',
  'body 4.2.2.1',
  '--alt',
  'Content-Type: TEXT/RICHTEXT',
  '',
  'body 4.2.2.2',
  '--alt--',
  '--m42--',
  '--m4--',
  '--outer--',
  'epilogue',
  '',
]);

const view = new MessageView(Buffer.from(COMPLEX, 'latin1'));
const str = (s: Section, v = view): string => Buffer.from(v.section(s)).toString('latin1');
const part = (p: string, text?: Section['text'], fields?: string[]): Section => ({
  part: p ? p.split('.').map(Number) : [], ...(text ? { text } : {}), ...(fields ? { fields } : {}),
});

test('RFC 3501 §6.4.5 part numbers of the complex example', () => {
  assert.equal(str(part('')), COMPLEX);
  assert.equal(str(part('', 'HEADER')), 'From: a@example.test\r\nSubject: complex\r\nContent-Type: MULTIPART/MIXED; boundary=outer\r\n\r\n');
  assert.ok(str(part('', 'TEXT')).startsWith('preamble\r\n--outer'));
  assert.equal(str(part('1')), 'body 1');
  assert.equal(str(part('2')), 'Ym9keSAy');
  assert.ok(str(part('3')).startsWith('Subject: inner 3\r\n'));
  assert.ok(str(part('3')).endsWith('--m3--'));
  assert.equal(str(part('3', 'HEADER')), 'Subject: inner 3\r\nContent-Type: MULTIPART/MIXED; boundary=m3\r\n\r\n');
  assert.ok(str(part('3', 'TEXT')).startsWith('--m3\r\n'));
  assert.equal(str(part('3.1')), 'body 3.1');
  assert.equal(str(part('3.2')), 'body 3.2');
  assert.ok(str(part('4')).startsWith('--m4\r\n'));
  assert.equal(str(part('4.1')), 'body 4.1');
  assert.equal(str(part('4.1', 'MIME')), 'Content-Type: IMAGE/GIF\r\n\r\n');
  assert.ok(str(part('4.2')).startsWith('Subject: inner 4.2'));
  assert.equal(str(part('4.2', 'HEADER')), 'Subject: inner 4.2\r\nContent-Type: MULTIPART/MIXED; boundary=m42\r\n\r\n');
  assert.ok(str(part('4.2', 'TEXT')).startsWith('--m42\r\n'));
  assert.equal(str(part('4.2.1')), 'body 4.2.1');
  assert.ok(str(part('4.2.2')).startsWith('--alt\r\n'));
  assert.equal(str(part('4.2.2.1')), 'body 4.2.2.1');
  assert.equal(str(part('4.2.2.2')), 'body 4.2.2.2');
  assert.equal(str(part('4.2.2.2', 'MIME')), 'Content-Type: TEXT/RICHTEXT\r\n\r\n');
  assert.equal(str(part('3', 'MIME')), 'Content-Type: MESSAGE/RFC822\r\n\r\n');
});

test('sections that do not exist are empty', () => {
  for (const s of ['5', '1.1', '2.1', '4.3', '3.3', '4.2.2.3', '0', '4.1.1']) assert.equal(view.section(part(s)).length, 0, s);
  // HEADER and TEXT need a message/rfc822 part (RFC 3501 §6.4.5); MIME needs a part number.
  assert.equal(view.section(part('1', 'HEADER')).length, 0);
  assert.equal(view.section(part('4', 'TEXT')).length, 0);
  assert.equal(view.section(part('', 'MIME')).length, 0);
  assert.equal(view.section(part('9', 'MIME')).length, 0);
});

test('a non-multipart message has a part 1, its body; its MIME header is the message header', () => {
  const v = new MessageView(Buffer.from(crlf(['Subject: s', 'Content-Type: text/plain', '', 'hello', '']), 'latin1'));
  assert.equal(str(part('1'), v), 'hello\r\n');
  assert.equal(str(part('1', 'MIME'), v), 'Subject: s\r\nContent-Type: text/plain\r\n\r\n');
  assert.equal(v.section(part('2')).length, 0);
  assert.equal(v.section(part('1.1')).length, 0);
  // A message whose body is message/rfc822: [1] is the encapsulated message, [1.1] its body.
  const m = new MessageView(Buffer.from(crlf(['Content-Type: message/rfc822', '', 'Subject: in', '', 'inner body']), 'latin1'));
  assert.equal(str(part('1'), m), 'Subject: in\r\n\r\ninner body');
  assert.equal(str(part('1', 'HEADER'), m), 'Subject: in\r\n\r\n');
  assert.equal(str(part('1.1'), m), 'inner body');
});

test('HEADER.FIELDS and HEADER.FIELDS.NOT keep the stored lines, folding included', () => {
  const v = new MessageView(Buffer.from(crlf(['Received: from x', '\tby y', 'Subject: a', ' folded', 'from: b@c.d', 'X-Empty:', '', 'body']), 'latin1'));
  assert.equal(str(part('', 'HEADER.FIELDS', ['SUBJECT', 'FROM']), v), 'Subject: a\r\n folded\r\nfrom: b@c.d\r\n\r\n');
  assert.equal(str(part('', 'HEADER.FIELDS.NOT', ['SUBJECT', 'FROM']), v), 'Received: from x\r\n\tby y\r\nX-Empty:\r\n\r\n');
  assert.equal(str(part('', 'HEADER.FIELDS', ['NOPE']), v), '\r\n');
  assert.equal(str(part('3', 'HEADER.FIELDS', ['SUBJECT'])), 'Subject: inner 3\r\n\r\n');
  assert.equal(str(part('4.2', 'HEADER.FIELDS.NOT', ['SUBJECT'])), 'Content-Type: MULTIPART/MIXED; boundary=m42\r\n\r\n');
});

test('a message with no body and no blank line: HEADER is all of it, TEXT is empty', () => {
  const v = new MessageView(Buffer.from('Subject: only\r\nFrom: a@b.c', 'latin1'));
  assert.equal(str(part('', 'HEADER'), v), 'Subject: only\r\nFrom: a@b.c');
  assert.equal(v.section(part('', 'TEXT')).length, 0);
  assert.equal(str(part('', 'HEADER.FIELDS', ['FROM']), v), 'From: a@b.c\r\n\r\n');
});

test('results are views of the stored bytes, not copies', () => {
  const bytes = Buffer.from(COMPLEX, 'latin1');
  const v = new MessageView(bytes);
  for (const s of [part(''), part('', 'HEADER'), part('', 'TEXT'), part('4.2.2.1'), part('4.1', 'MIME'), part('3', 'HEADER')]) {
    const out = v.section(s);
    assert.equal(out.buffer, bytes.buffer, JSON.stringify(s));
  }
  assert.equal(v.section(part('')), v.bytes);
  // A plain Uint8Array (as a store may hand out) is viewed, not copied, as well.
  const plain = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.equal(new MessageView(plain).section(part('4.2.2.1')).buffer, plain.buffer);
});

test('LF-only messages are served as stored', () => {
  const v = new MessageView(Buffer.from(COMPLEX.replace(/\r\n/g, '\n'), 'latin1'));
  assert.equal(str(part('', 'HEADER'), v), 'From: a@example.test\nSubject: complex\nContent-Type: MULTIPART/MIXED; boundary=outer\n\n');
  assert.equal(str(part('4.2.2.1'), v), 'body 4.2.2.1');
  assert.equal(str(part('4.1', 'MIME'), v), 'Content-Type: IMAGE/GIF\n\n');
  assert.equal(str(part('', 'HEADER.FIELDS', ['SUBJECT']), v), 'Subject: complex\n\r\n');
});

test('part boundaries agree with the core MIME parser', () => {
  const bytes = Buffer.from(COMPLEX, 'latin1');
  const parsed = parseMessage(bytes);
  // Walk the core tree with IMAP part numbers and compare every part's header and body.
  const check = (node: MimeNode, path: number[]): void => {
    const isMessage = node.contentType.mime === 'message/rfc822';
    const container = isMessage && node.children[0] ? node.children[0] : node;
    const parts = container.contentType.type === 'multipart' ? container.children : [];
    parts.forEach((child, i) => {
      const p = [...path, i + 1];
      assert.equal(Buffer.from(view.section({ part: p, text: 'MIME' })).toString('latin1'), bytes.subarray(child.start, child.bodyStart).toString('latin1'));
      assert.equal(Buffer.from(view.section({ part: p })).toString('latin1'), bytes.subarray(child.bodyStart, child.end).toString('latin1'));
      check(child, p);
    });
  };
  check(parsed.root, []);
  assert.equal([...walk(parsed.root)].length, 15);
});
