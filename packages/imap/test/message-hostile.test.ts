// Hostile and broken messages: the view never throws, stays bounded and serves stored bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MESSAGE_LIMITS, MessageView, matchSearch, serialize, type WireValue } from '../src/index.ts';

const wire = (v: WireValue): string => Buffer.concat(serialize([v])).toString('utf8');
const elapsed = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/** Deepest parenthesis nesting of a serialized structure (literals here hold no parentheses). */
function nesting(s: string): number {
  let depth = 0;
  let max = 0;
  for (const c of s) {
    if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

/** Runs every entry point of the view; none may throw. */
function exercise(view: MessageView): void {
  wire(view.envelope());
  wire(view.bodyStructure(true));
  wire(view.bodyStructure(false));
  for (const text of [undefined, 'HEADER', 'TEXT', 'MIME', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT'] as const) {
    for (const part of [[], [1], [1, 1], [2, 1, 3]]) view.section({ part, ...(text ? { text, fields: ['SUBJECT'] } : {}) });
  }
  view.binary([1]);
  view.binarySize([1]);
  view.sentDate();
  matchSearch([{ key: 'TEXT', value: 'zzz' }, { key: 'SENTON', date: '2024-01-01' }], {
    seq: 1, uid: 1, maxSeq: 1, maxUid: 1, flags: [], size: 0, internalDate: new Date(0), modseq: 1, view,
  });
}

test('10,000 nested multiparts: bounded depth, no crash, deep parts are application/octet-stream', () => {
  let raw = 'Subject: deep\r\n';
  for (let i = 0; i < 10_000; i++) raw += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  const started = process.hrtime.bigint();
  const view = new MessageView(Buffer.from(raw));
  const s = wire(view.bodyStructure(true));
  assert.ok(nesting(s) <= DEFAULT_MESSAGE_LIMITS.maxDepth + 2, `nesting ${nesting(s)}`);
  assert.ok(nesting(s) >= DEFAULT_MESSAGE_LIMITS.maxDepth);
  assert.match(s, /\("APPLICATION" "OCTET-STREAM" NIL NIL NIL "7BIT" \d+ NIL NIL NIL NIL\)/);
  const path = Array.from({ length: 64 }, () => 1);
  assert.ok(view.section({ part: path }).length > 0);
  assert.equal(view.section({ part: [...path, 1] }).length, 0);
  exercise(view);
  assert.ok(elapsed(started) < 5000);
});

test('nested message/rfc822 is bounded the same way', () => {
  const raw = 'Content-Type: message/rfc822\r\n\r\n'.repeat(5000) + 'Subject: bottom\r\n\r\nx';
  const view = new MessageView(Buffer.from(raw));
  const s = wire(view.bodyStructure(false));
  assert.ok(nesting(s) < 3 * DEFAULT_MESSAGE_LIMITS.maxDepth);
  assert.match(s, /"APPLICATION" "OCTET-STREAM"/);
  exercise(view);
});

test('multiparts past the scan budget are not opened', () => {
  let raw = '';
  for (let i = 0; i < 5; i++) raw += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  raw += `\r\n${'z'.repeat(10_000)}`;
  const limits = { scanAllowanceBytes: 0, scanRatio: 2 };
  const s = wire(new MessageView(Buffer.from(raw), { limits }).bodyStructure(false));
  // Each level scans nearly the whole message: two levels fit in twice its size.
  assert.match(s, /^\(\(\("APPLICATION" "OCTET-STREAM" NIL NIL NIL "7BIT" \d+\) "mixed"\) "mixed"\)$/);
  assert.equal(nesting(wire(new MessageView(Buffer.from(raw)).bodyStructure(false))), 7); // 5 multiparts, the text, its parameters
});

test('20,000 sibling parts stop at the part limit', () => {
  let raw = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n';
  for (let i = 0; i < 20_000; i++) raw += '--b\r\n\r\nx\r\n';
  raw += '--b--\r\n';
  const view = new MessageView(Buffer.from(raw));
  const s = wire(view.bodyStructure(false));
  assert.equal(s.split('("TEXT" "PLAIN"').length - 1, DEFAULT_MESSAGE_LIMITS.maxParts - 1);
  assert.equal(view.section({ part: [9_999] }).length, 1);
  assert.equal(view.section({ part: [10_000] }).length, 0);
});

test('a 5 MB header line is read and served whole', () => {
  const subject = 'x'.repeat(5 * 1024 * 1024);
  const bytes = Buffer.from(`From: a@b.c\r\nSubject: ${subject}\r\n\r\nbody\r\n`);
  const started = process.hrtime.bigint();
  const view = new MessageView(bytes);
  const env = view.envelope() as WireValue[];
  assert.equal((env[1] as string).length, subject.length);
  // Too long to quote: the writer sends it as a literal.
  assert.ok(wire(env[1]!).startsWith(`{${subject.length}}\r\n`));
  assert.equal(view.section({ part: [], text: 'HEADER' }).length, bytes.length - 6);
  assert.equal(Buffer.from(view.section({ part: [1] })).toString(), 'body\r\n');
  assert.ok(matchSearch([{ key: 'SUBJECT', value: 'xxx' }], {
    seq: 1, uid: 1, maxSeq: 1, maxUid: 1, flags: [], size: bytes.length, internalDate: new Date(0), modseq: 1, view,
  }));
  assert.ok(elapsed(started) < 5000);
});

test('past the header limits the header is served as bytes, without fields', () => {
  const bytes = Buffer.from(`From: a@b.c\r\nSubject: ${'y'.repeat(5000)}\r\nTo: c@d.e\r\n\r\nbody`);
  const view = new MessageView(bytes, { limits: { maxHeaderFieldBytes: 1024 } });
  assert.equal(wire(view.envelope()), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
  assert.equal(view.section({ part: [], text: 'HEADER' }).length, bytes.length - 4);
  assert.equal(Buffer.from(view.section({ part: [], text: 'TEXT' })).toString(), 'body');
  assert.equal(Buffer.from(view.section({ part: [], text: 'HEADER.FIELDS', fields: ['FROM'] })).toString(), '\r\n');
  assert.equal(wire(view.bodyStructure(false)), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 4 0)');
});

test('truncated MIME: the last part runs to the end of the message', () => {
  const full = [
    'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'first', '--b',
    'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', 'JVBERi0xLjQK', '--b--', '',
  ].join('\r\n');
  for (const cut of [full.indexOf('JVBERi0xLjQK\r\nJVB') + 5, full.indexOf('Content-Type: application') + 10, full.indexOf('first') + 2, 30]) {
    const view = new MessageView(Buffer.from(full.slice(0, cut)));
    exercise(view);
  }
  const view = new MessageView(Buffer.from(full.slice(0, full.indexOf('--b--'))));
  assert.equal(Buffer.from(view.section({ part: [2] })).toString(), 'JVBERi0xLjQK\r\nJVBERi0xLjQK\r\n');
  assert.equal(Buffer.from(view.binary([2])!).toString(), '%PDF-1.4\n%PDF-1.4\n');
});

test('empty input, binary noise, a body with no header, bare CRs', () => {
  const empty = new MessageView(new Uint8Array(0));
  exercise(empty);
  assert.equal(wire(empty.bodyStructure(false)), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)');
  assert.equal(empty.section({ part: [] }).length, 0);
  const noise = new Uint8Array(200_000);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 7)) % 256;
  exercise(new MessageView(noise));
  exercise(new MessageView(Buffer.from('just text, no header\r\nmore\r\n')));
  exercise(new MessageView(Buffer.from('Subject: a\rFrom: b\r\rbody\r')));
  exercise(new MessageView(Buffer.from('Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\n\r\nx\r\n----\r\n')));
  exercise(new MessageView(Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n--b\r\n')));
  exercise(new MessageView(Buffer.from('Content-Type: ;;;=;"\r\nContent-Disposition: "\r\nContent-Language: ,,\r\n\r\n')));
});

test('text search on a big attachment decodes text parts only, within the cap', () => {
  const big = Buffer.alloc(20 * 1024 * 1024, 0x41);
  const bytes = Buffer.concat([
    Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/zip\r\n\r\n'), big,
    Buffer.from('\r\n--b\r\nContent-Type: text/plain\r\n\r\nneedle\r\n--b--\r\n'),
  ]);
  const view = new MessageView(bytes);
  const started = process.hrtime.bigint();
  assert.ok(matchSearch([{ key: 'BODY', value: 'NEEDLE' }], {
    seq: 1, uid: 1, maxSeq: 1, maxUid: 1, flags: [], size: bytes.length, internalDate: new Date(0), modseq: 1, view,
  }));
  assert.ok(elapsed(started) < 5000);
  assert.equal(view.binarySize([1]), big.length);
  assert.equal(view.binary([1])!.buffer, bytes.buffer);
});
