// Modified UTF-7 mailbox names (RFC 3501 §5.1.3): RFC examples, Italian names, strict decoding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMutf7, encodeMutf7, Mutf7Error } from '../src/index.ts';

const PAIRS: Array<[string, string]> = [
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['Posta inviata', 'Posta inviata'],
  ['Cestino', 'Cestino'],
  ['Città', 'Citt&AOA-'],
  ['Perché è così', 'Perch&AOk- &AOg- cos&AOw-'],
  ['A&B', 'A&-B'],
  ['&', '&-'],
  ['', ''],
  ['😀', '&2D3eAA-'],
  ['Città/Posta inviata', 'Citt&AOA-/Posta inviata'],
];

test('RFC example and Italian names round-trip', () => {
  for (const [name, wire] of PAIRS) {
    assert.equal(encodeMutf7(name), wire, name);
    assert.equal(decodeMutf7(wire), name, wire);
  }
});

test('random Unicode names round-trip', () => {
  const alphabet = ['a', ' ', '&', '-', 'à', 'è', 'ß', '台', '😀', '\u00a0', 'Z', '/', '~'];
  for (let i = 0; i < 500; i++) {
    let s = '';
    const len = (i * 7) % 13;
    for (let j = 0; j < len; j++) s += alphabet[(i * 31 + j * 17) % alphabet.length];
    assert.equal(decodeMutf7(encodeMutf7(s)), s);
  }
});

test('invalid encodings are refused', () => {
  const bad = [
    '&U,BTFw', // not closed
    'Citt&AOA', // not closed
    '&AGE-', // encoded ASCII "a"
    '&AOE', // unterminated
    '&AOB-', // non-zero padding bits
    '&AOAA-', // extra sextet: not a whole UTF-16 unit, not minimal
    '&AOA-&AOA-', // adjacent runs must be merged
    '&U/BTFw-', // "/" is not in the modified alphabet
    '&2D0-', // lone high surrogate
    '&3gA-', // lone low surrogate
    'Città', // 8-bit characters must be encoded
    'a\tb', // control character
    '&=-',
  ];
  for (const s of bad) assert.throws(() => decodeMutf7(s), Mutf7Error, JSON.stringify(s));
});
