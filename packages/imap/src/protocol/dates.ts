/**
 * Dates of the IMAP grammar (RFC 3501 §9): `date` of SEARCH (`d-Mon-yyyy`, optionally quoted)
 * and `date-time` of APPEND (`"dd-Mon-yyyy hh:mm:ss +zzzz"`).
 */
import type { Reader } from './reader.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function dayMonthYear(r: Reader, text: string, fixed: boolean): { day: number; month: number; year: number } {
  // date-day = 1*2DIGIT; date-day-fixed = (SP DIGIT) / 2DIGIT
  const m = fixed ? /^( \d|\d\d)-([A-Za-z]{3})-(\d{4})$/.exec(text) : /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) throw r.error('Invalid date');
  const day = Number(m[1]!.trim());
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  const year = Number(m[3]);
  if (month < 0 || day < 1 || day > daysIn(month, year)) throw r.error('Invalid date');
  return { day, month, year };
}

/** RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE; returned as `YYYY-MM-DD`. */
export function readSearchDate(r: Reader): string {
  const quoted = r.peek() === '"';
  if (quoted) r.expect('"');
  const start = r.pos;
  while (/[0-9A-Za-z-]/.test(r.peek())) r.pos++;
  const { day, month, year } = dayMonthYear(r, r.currentSlice(start, r.pos), false);
  if (quoted) r.expect('"');
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** RFC 3501 §9 date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function readDateTime(r: Reader): Date {
  r.expect('"');
  const start = r.pos;
  while (r.peek() !== '"' && r.peek() !== '') r.pos++;
  const text = r.currentSlice(start, r.pos);
  r.expect('"');
  const m = /^(.{11}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text);
  if (!m) throw r.error('Invalid date-time');
  const { day, month, year } = dayMonthYear(r, m[1]!, true);
  const [h, mi, s, zh, zm] = [m[2], m[3], m[4], m[6], m[7]].map(Number) as [number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 60 || zm > 59) throw r.error('Invalid date-time');
  const offset = (m[5] === '-' ? -1 : 1) * (zh * 60 + zm);
  return new Date(Date.UTC(year, month, day, h, mi, Math.min(s, 59)) - offset * 60_000);
}
