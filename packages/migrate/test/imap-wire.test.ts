// The small pieces of IMAP syntax the endpoint builds itself: sequence sets and Message-ID.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageIdOf, sequenceSet } from '../src/imap/wire.ts';

test('sequenceSet: sorted, deduplicated, runs compressed', () => {
  assert.equal(sequenceSet([9, 1, 2, 3, 7, 10, 3]), '1:3,7,9:10');
  assert.equal(sequenceSet([42]), '42');
  assert.equal(sequenceSet([]), '');
});

test('messageIdOf: unfolded, trimmed, case-insensitive name, null when absent', () => {
  const h = (s: string): Uint8Array => Buffer.from(s, 'latin1');
  assert.equal(messageIdOf(h('Message-ID: <a.1@example.test>\r\n\r\n')), '<a.1@example.test>');
  assert.equal(messageIdOf(h('message-id:\r\n  <folded@example.test>  \r\n\r\n')), '<folded@example.test>');
  assert.equal(messageIdOf(h('\r\n')), null);
  assert.equal(messageIdOf(h('Message-ID:   \r\n\r\n')), null);
  assert.equal(messageIdOf(undefined), null);
});
