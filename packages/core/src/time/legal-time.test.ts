// Legal time: offsets in winter and summer, the two daylight-saving switches of 2026, round
// trips at 1-second precision, the Date: header form, and refusal of bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecapitoError } from '../errors.ts';
import {
  formatRfc5322Date, fromLegalTime, humanLegalTime, legalTimeError, legalTimeToRfc5322, toLegalTime,
  type LegalTime,
} from './legal-time.ts';

const lt = (giorno: string, ora: string, zona: string): LegalTime => ({ giorno, ora, zona });
const at = (iso: string): Date => new Date(iso);

test('winter time is +0100, summer time is +0200', () => {
  assert.deepEqual(toLegalTime(at('2026-01-15T12:00:00Z')), lt('15/01/2026', '13:00:00', '+0100'));
  assert.deepEqual(toLegalTime(at('2026-07-14T08:05:09Z')), lt('14/07/2026', '10:05:09', '+0200'));
  assert.deepEqual(toLegalTime(at('2026-11-23T21:17:28Z')), lt('23/11/2026', '22:17:28', '+0100'));
});

test('the local date changes at local midnight, not at UTC midnight', () => {
  assert.deepEqual(toLegalTime(at('2026-12-31T23:00:00Z')), lt('01/01/2027', '00:00:00', '+0100'));
  assert.deepEqual(toLegalTime(at('2026-06-30T22:00:00Z')), lt('01/07/2026', '00:00:00', '+0200'));
  assert.deepEqual(toLegalTime(at('2026-06-30T21:59:59Z')), lt('30/06/2026', '23:59:59', '+0200'));
});

test('29 March 2026: clocks jump from 02:00 +0100 to 03:00 +0200', () => {
  assert.deepEqual(toLegalTime(at('2026-03-29T00:59:59Z')), lt('29/03/2026', '01:59:59', '+0100'));
  assert.deepEqual(toLegalTime(at('2026-03-29T01:00:00Z')), lt('29/03/2026', '03:00:00', '+0200'));
  assert.equal(fromLegalTime(lt('29/03/2026', '03:00:00', '+0200')).toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(fromLegalTime(lt('29/03/2026', '01:59:59', '+0100')).toISOString(), '2026-03-29T00:59:59.000Z');
});

test('25 October 2026: 02:00–03:00 happens twice, told apart by the offset', () => {
  assert.deepEqual(toLegalTime(at('2026-10-25T00:59:59Z')), lt('25/10/2026', '02:59:59', '+0200'));
  assert.deepEqual(toLegalTime(at('2026-10-25T01:00:00Z')), lt('25/10/2026', '02:00:00', '+0100'));
  const first = toLegalTime(at('2026-10-25T00:30:00Z'));
  const second = toLegalTime(at('2026-10-25T01:30:00Z'));
  assert.equal(first.ora, '02:30:00');
  assert.equal(second.ora, '02:30:00');
  assert.deepEqual([first.zona, second.zona], ['+0200', '+0100']);
  assert.equal(fromLegalTime(first).toISOString(), '2026-10-25T00:30:00.000Z');
  assert.equal(fromLegalTime(second).toISOString(), '2026-10-25T01:30:00.000Z');
});

test('round trip over all of 2026 and the switch nights, second by second around them', () => {
  const check = (ms: number): void => {
    const d = new Date(ms);
    const back = fromLegalTime(toLegalTime(d));
    assert.equal(back.getTime(), Math.floor(ms / 1000) * 1000, d.toISOString());
  };
  const start = Date.UTC(2026, 0, 1);
  for (let ms = start; ms < Date.UTC(2027, 0, 1); ms += 7 * 60_000 + 13_337) check(ms);
  for (const sw of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) {
    for (let ms = sw - 2 * 3600_000; ms <= sw + 2 * 3600_000; ms += 1000) check(ms);
  }
});

test('1-second precision: milliseconds are truncated, never rounded up', () => {
  assert.equal(toLegalTime(at('2026-11-23T21:17:28.999Z')).ora, '22:17:28');
  assert.equal(fromLegalTime(toLegalTime(at('2026-11-23T21:17:28.999Z'))).toISOString(), '2026-11-23T21:17:28.000Z');
  // Before 1970 the millisecond count is negative: still truncated towards the past.
  assert.deepEqual(toLegalTime(at('1969-12-31T23:59:59.500Z')), lt('01/01/1970', '00:59:59', '+0100'));
});

test('other zones give their own offsets (non-Italian deployments, tests)', () => {
  assert.deepEqual(toLegalTime(at('2026-01-15T12:00:00Z'), 'UTC'), lt('15/01/2026', '12:00:00', '+0000'));
  assert.deepEqual(toLegalTime(at('2026-01-15T12:00:00Z'), 'America/New_York'), lt('15/01/2026', '07:00:00', '-0500'));
  assert.deepEqual(toLegalTime(at('2026-01-15T12:00:00Z'), 'Asia/Kolkata'), lt('15/01/2026', '17:30:00', '+0530'));
  assert.equal(fromLegalTime(lt('15/01/2026', '07:00:00', '-0500')).toISOString(), '2026-01-15T12:00:00.000Z');
});

test('Date: header in local time with offset (RFC 5322 §3.3)', () => {
  assert.equal(formatRfc5322Date(at('2026-11-23T21:17:28Z')), 'Mon, 23 Nov 2026 22:17:28 +0100');
  assert.equal(formatRfc5322Date(at('2026-07-14T08:05:09.750Z')), 'Tue, 14 Jul 2026 10:05:09 +0200');
  assert.equal(formatRfc5322Date(at('2026-12-31T23:30:00Z')), 'Fri, 1 Jan 2027 00:30:00 +0100');
  assert.equal(formatRfc5322Date(at('2026-10-25T01:30:00Z')), 'Sun, 25 Oct 2026 02:30:00 +0100');
  assert.equal(formatRfc5322Date(at('2026-01-15T12:00:00Z'), 'UTC'), 'Thu, 15 Jan 2026 12:00:00 +0000');
  assert.equal(legalTimeToRfc5322(lt('13/11/2018', '16:39:27', '+0100')), 'Tue, 13 Nov 2018 16:39:27 +0100');
  // Any RFC 5322 reader gets the same instant back.
  for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 86_400_000 / 3 + 1234) {
    assert.equal(Date.parse(formatRfc5322Date(new Date(ms))), Math.floor(ms / 1000) * 1000);
  }
});

test('human text pieces for the body ("il giorno ... alle ore ... (+0100)")', () => {
  const h = humanLegalTime(lt('23/11/2026', '22:17:28', '+0100'));
  assert.equal(h.text, 'il giorno 23/11/2026 alle ore 22:17:28 (+0100)');
  assert.equal(h.sentence, 'Il giorno 23/11/2026 alle ore 22:17:28 (+0100)');
  assert.equal(h.alleOre, 'alle ore 22:17:28 (+0100)');
  assert.deepEqual([h.giorno, h.ora, h.zona], ['23/11/2026', '22:17:28', '(+0100)']);
});

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof RecapitoError && err.code === code);
}

test('bad legal times are refused, with a reason', () => {
  const bad: LegalTime[] = [
    lt('2026-11-23', '22:17:28', '+0100'), lt('23/11/26', '22:17:28', '+0100'), lt('29/02/2026', '10:00:00', '+0100'),
    lt('00/01/2026', '10:00:00', '+0100'), lt('01/13/2026', '10:00:00', '+0100'), lt('23/11/2026', '22:17', '+0100'),
    lt('23/11/2026', '24:00:00', '+0100'), lt('23/11/2026', '22:17:60', '+0100'), lt('23/11/2026', '22:17:28', '+01:00'),
    lt('23/11/2026', '22:17:28', '0100'), lt('23/11/2026', '22:17:28', '+0160'), lt('23/11/2026', ' 22:17:28', '+0100'),
    lt('01/01/0999', '10:00:00', '+0100'),
  ];
  for (const t of bad) {
    assert.ok(legalTimeError(t), JSON.stringify(t));
    assertCode(() => fromLegalTime(t), 'TIME_INVALID');
    assertCode(() => legalTimeToRfc5322(t), 'TIME_INVALID');
  }
  assert.equal(legalTimeError(lt('29/02/2028', '23:59:59', '-1200')), undefined);
});

test('instants that cannot be written as legal time are refused', () => {
  assertCode(() => toLegalTime(new Date(Number.NaN)), 'TIME_OUT_OF_RANGE');
  assertCode(() => toLegalTime(at('0500-01-01T00:00:00Z')), 'TIME_OUT_OF_RANGE');
  assertCode(() => toLegalTime(at('+010000-01-02T00:00:00Z')), 'TIME_OUT_OF_RANGE');
  assertCode(() => toLegalTime(at('9999-12-31T23:30:00Z')), 'TIME_OUT_OF_RANGE'); // already 10000 in Rome
  // Rome kept local mean time (+00:49:56) until 1893: not expressible as [+-]hhmm.
  assertCode(() => toLegalTime(at('1880-01-01T00:00:00Z')), 'TIME_OUT_OF_RANGE');
  assertCode(() => toLegalTime(at('2026-01-01T00:00:00Z'), 'Europe/Nowhere'), 'TIME_UNKNOWN_ZONE');
});
