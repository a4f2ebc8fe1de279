// The Date header read tolerantly (RFC 5322 §3.3 and §4.3), and calendar days for SEARCH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageView, calendarDay, parseHeaderDate } from '../src/index.ts';

const iso = (value: string): string | undefined => parseHeaderDate(value)?.date.toISOString();

test('RFC 5322 dates with zones, comments and without day of week', () => {
  assert.equal(iso('Wed, 17 Jul 1996 02:23:25 -0700 (PDT)'), '1996-07-17T09:23:25.000Z');
  assert.equal(iso('17 Jul 1996 02:23:25 +0200'), '1996-07-17T00:23:25.000Z');
  assert.equal(iso('Mon, 1 Jan 2024 23:30:00 -0800'), '2024-01-02T07:30:00.000Z');
  assert.equal(parseHeaderDate('Mon, 1 Jan 2024 23:30:00 -0800')!.offsetMinutes, -480);
  assert.equal(iso('Fri, 21 Nov 1997 09:55:06 -0600'), '1997-11-21T15:55:06.000Z');
  assert.equal(iso('Thu,\r\n 13\r\n  Feb\r\n    1969\r\n  23:32\r\n  -0330 (Newfoundland Time)'), '1969-02-14T03:02:00.000Z');
});

test('obsolete and sloppy forms (RFC 5322 §4.3 and real mail)', () => {
  assert.equal(iso('21 Nov 97 09:55:06 GMT'), '1997-11-21T09:55:06.000Z');
  assert.equal(iso('21 Nov 07 09:55 EST'), '2007-11-21T14:55:00.000Z');
  assert.equal(iso('21 Nov 107 09:55:06 Z'), '2007-11-21T09:55:06.000Z');
  assert.equal(iso('Wed Jul 17 02:23:25 1996'), '1996-07-17T02:23:25.000Z');
  assert.equal(iso('Mon, 15 Jan 2024 10:00:00 +0100 (CET)'), '2024-01-15T09:00:00.000Z');
  assert.equal(iso('Mon, 15 Jan 2024 10:00:00 CEST'), '2024-01-15T08:00:00.000Z');
  assert.equal(iso('mon, 15 january 2024 10:00:00 +01:00'), '2024-01-15T09:00:00.000Z');
  assert.equal(iso('15-Jan-2024 10:00:00 +0000'), '2024-01-15T10:00:00.000Z');
  assert.equal(iso('15 Jan 2024'), '2024-01-15T00:00:00.000Z');
  assert.equal(iso('Sat, 31 Dec 2016 23:59:60 +0000'), '2016-12-31T23:59:59.000Z');
  assert.equal(iso('15 Jan 2024 10:00:00 A'), '2024-01-15T10:00:00.000Z');
});

test('unreadable dates are undefined', () => {
  for (const bad of ['', 'yesterday', '31 Feb 2024 10:00:00 +0000', '15 Foo 2024', '2024-01-15T10:00:00Z', '15 Jan 2024 25:00:00',
    '15 Jan', '1 2 3 Jan', 'x'.repeat(100_000), '((((', 'constructor 15 Jan 2024']) {
    assert.equal(parseHeaderDate(bad), undefined, bad.slice(0, 40));
  }
});

test('calendar days in UTC or in a given zone', () => {
  const d = new Date('2024-01-02T07:30:00Z');
  assert.equal(calendarDay(d), '2024-01-02');
  assert.equal(calendarDay(d, -480), '2024-01-01');
  assert.equal(calendarDay(new Date('0999-03-04T00:00:00Z')), '0999-03-04');
});

test('sentDate reads the first Date header of the message', () => {
  const v = new MessageView(Buffer.from('Date: Tue, 2 Jan 2024 08:00:00 +0000\r\nDate: garbage\r\n\r\n'));
  assert.equal(v.sentDate()!.toISOString(), '2024-01-02T08:00:00.000Z');
  assert.equal(new MessageView(Buffer.from('Date: garbage\r\n\r\n')).sentDate(), undefined);
  assert.equal(new MessageView(Buffer.from('Subject: none\r\n\r\n')).sentDate(), undefined);
});
