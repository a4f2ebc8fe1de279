// The response writer: status lines with response codes, string encoding choices, literals
// passed through without copies, and round trips of strings through writer and parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canQuote, codes, continuation, formatDateTime, serialize, statusResponse, untagged,
} from '../src/index.ts';
import { parse, text } from './helpers.ts';

test('tagged and untagged status responses with response codes', () => {
  assert.equal(text(statusResponse('a1', 'OK', 'SELECT completed', codes.readOnly())), 'a1 OK [READ-ONLY] SELECT completed\r\n');
  assert.equal(text(statusResponse(undefined, 'OK', 'UIDs valid', codes.uidValidity(3857529045))), '* OK [UIDVALIDITY 3857529045] UIDs valid\r\n');
  assert.equal(text(statusResponse('A003', 'OK', 'APPEND completed', codes.appendUid(38505, 3955))), 'A003 OK [APPENDUID 38505 3955] APPEND completed\r\n');
  assert.equal(
    text(statusResponse('A004', 'OK', 'Done', codes.copyUid(38505, [{ start: 304, end: 304 }, { start: 319, end: 320 }], [{ start: 3956, end: 3958 }]))),
    'A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n',
  );
  assert.equal(text(statusResponse('a', 'NO', 'Quota exceeded', codes.overQuota())), 'a NO [OVERQUOTA] Quota exceeded\r\n');
  assert.equal(text(statusResponse('a', 'NO', 'No', codes.cannot())), 'a NO [CANNOT] No\r\n');
  assert.equal(text(statusResponse('a', 'NO', 'Invalid credentials', codes.authenticationFailed())), 'a NO [AUTHENTICATIONFAILED] Invalid credentials\r\n');
  assert.equal(text(statusResponse('a', 'OK', 'Flags', codes.permanentFlags(['\\Seen', '\\*']))), 'a OK [PERMANENTFLAGS (\\Seen \\*)] Flags\r\n');
  assert.equal(text(statusResponse('a', 'NO', 'x', codes.badCharset(['UTF-8']))), 'a NO [BADCHARSET ("UTF-8")] x\r\n');
  assert.equal(text(statusResponse('a', 'BAD', 'evil\r\n* OK injected')), 'a BAD evil * OK injected\r\n');
  assert.equal(text(statusResponse('a', 'OK', '[not a code]')), 'a OK (not a code]\r\n');
  assert.equal(text(continuation()), '+ Ready\r\n');
});

test('strings are quoted when safe and literals otherwise', () => {
  assert.equal(text(serialize(['plain', 'with "quotes"', 'Città', 'two\r\nlines', null, 42, 2n ** 40n, []])),
    '"plain" "with \\"quotes\\"" {6}\r\nCittà {10}\r\ntwo\r\nlines NIL 42 1099511627776 ()');
  assert.equal(text(serialize(['Città'], { utf8: true })), '"Città"');
  assert.equal(canQuote('\\'.repeat(20)), false);
  assert.equal(canQuote('x'.repeat(5000)), false);
  assert.equal(text(serialize([formatDateTime(new Date(Date.UTC(1994, 1, 8, 5, 52, 25)))])), '" 8-Feb-1994 05:52:25 +0000"');
});

test('literal bodies are passed through without copies', () => {
  const body = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
  const chunks = untagged([12, { atom: 'FETCH' }, [{ atom: 'UID' }, 7, { atom: 'BODY[]' }, body]]);
  assert.ok(chunks.includes(body), 'the body chunk is the caller\'s buffer');
  assert.equal(text(chunks), `* 12 FETCH (UID 7 BODY[] {${body.length}}\r\n${body.toString()})\r\n`);
});

test('strings round-trip through the writer and the parser', () => {
  const samples = ['', 'mario', 'pa ss', 'a"b\\c', 'Città', 'line\r\nbreak', '日本語', '\\'.repeat(30), ')(', 'NIL', '{5}', 'x'.repeat(3000)];
  for (const s of samples) {
    const wire = text(serialize([s, s]));
    const cmd = parse(`t LOGIN ${wire}`);
    assert.ok(cmd.name === 'LOGIN');
    assert.equal(cmd.username, s, JSON.stringify(s));
    assert.equal(cmd.password, s);
  }
});
