// Pure parts: dot-stuffing, TOP boundaries and the line reader's cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dotStuffed, LineReader, topEnd } from '../src/index.ts';
import { invalidMessage } from '../src/maildrop-view.ts';

const stuffed = (s: string, end?: number): string => {
  const b = Buffer.from(s, 'latin1');
  return Buffer.concat([...dotStuffed(b, end ?? b.length)]).toString('latin1');
};

test('dot-stuffing: dot lines doubled, CRLF added when missing, terminator always', () => {
  assert.equal(stuffed('a\r\n.b\r\n.\r\nc\r\n'), 'a\r\n..b\r\n..\r\nc\r\n.\r\n');
  assert.equal(stuffed('.first'), '..first\r\n.\r\n');
  assert.equal(stuffed(''), '.\r\n');
  assert.equal(stuffed('x\n.y\r\n'), 'x\n..y\r\n.\r\n');
  assert.equal(stuffed('a\r\nb\r\n', 3), 'a\r\n.\r\n');
});

test('topEnd: header, blank line and n body lines', () => {
  const m = Buffer.from('H: 1\r\nH: 2\r\n\r\nb1\r\nb2\r\nb3');
  assert.equal(m.subarray(0, topEnd(m, 0)).toString(), 'H: 1\r\nH: 2\r\n\r\n');
  assert.equal(m.subarray(0, topEnd(m, 2)).toString(), 'H: 1\r\nH: 2\r\n\r\nb1\r\nb2\r\n');
  assert.equal(topEnd(m, 1e9), m.length);
  assert.equal(topEnd(Buffer.from('\r\nbody\r\n'), 0), 2);
  assert.equal(topEnd(Buffer.from('only: header\r\n'), 3), 14);
});

test('LineReader: CRLF and LF lines, over-long ones reported in order, bounded buffer', () => {
  const r = new LineReader(10);
  r.push(Buffer.from('ab\r\ncd\nxxxxxxxx'));
  r.push(Buffer.from('x'.repeat(100_000)));
  assert.ok(r.buffered <= 20);
  r.push(Buffer.from('xx\r\nef\r\n'));
  const items = [];
  for (let i = r.next(); i; i = r.next()) items.push(i.kind === 'line' ? i.bytes.toString() : 'TOO-LONG');
  assert.deepEqual(items, ['ab', 'cd', 'TOO-LONG', 'ef']);
});

test('invalidMessage: uids must be 1-70 printable ASCII octets, sizes non-negative integers', () => {
  assert.equal(invalidMessage([{ uid: 'ok-1', size: 3 }]), undefined);
  for (const bad of [{ uid: 'has space', size: 1 }, { uid: '', size: 1 }, { uid: 'x'.repeat(71), size: 1 }, { uid: 'a', size: -1 }]) {
    assert.deepEqual(invalidMessage([{ uid: 'fine', size: 1 }, bad]), bad);
  }
});
