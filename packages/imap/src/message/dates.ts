/**
 * The Date header (RFC 5322 §3.3, with the obsolete forms of §4.3) read tolerantly, for
 * SENTBEFORE/SENTON/SENTSINCE (RFC 3501 §6.4.4), and calendar days for date comparisons.
 * Real mail has missing seconds, two-digit years, zone names, comments, no day of week, or the
 * asctime order ("Wed Jul 17 02:23:25 1996"); all of these are accepted.
 */

export interface HeaderDate {
  /** The instant. */
  readonly date: Date;
  /** The zone offset written in the header, in minutes east of UTC. */
  readonly offsetMinutes: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** RFC 5322 §4.3 obs-zone; military zones are taken as +0000, as §4.3 advises. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  edt: -4 * 60, est: -5 * 60, cdt: -5 * 60, cst: -6 * 60, mdt: -6 * 60, mst: -7 * 60, pdt: -7 * 60, pst: -8 * 60,
  // Common in Italian mail (the PEC world): Central European (Summer) Time.
  cet: 60, cest: 120,
};

function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && depth > 0) i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three-digit years add 1900. */
function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 2) return y < 50 ? 2000 + y : 1900 + y;
  if (text.length === 3) return 1900 + y;
  return y;
}

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** Parses a Date header value; undefined when no date can be read from it. */
export function parseHeaderDate(value: string): HeaderDate | undefined {
  if (value.length > 1000) value = value.slice(0, 1000); // a date is short; refuse to scan junk
  let s = stripComments(value).replace(/,/g, ' ');
  let hour = 0;
  let minute = 0;
  let second = 0;
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (time) {
    [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)];
    s = `${s.slice(0, time.index)} ${s.slice(time.index + time[0].length)}`;
  }
  let offset: number | undefined;
  const zone = /(?:^|\s)([+-])(\d{2}):?(\d{2})(?=\s|$)/.exec(s);
  if (zone) {
    offset = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
    s = `${s.slice(0, zone.index)} ${s.slice(zone.index + zone[0].length)}`;
  }
  let month = -1;
  const numbers: string[] = [];
  for (const word of s.split(/[\s-]+/)) {
    if (!word) continue;
    const lower = word.toLowerCase();
    if (/^\d+$/.test(word)) numbers.push(word);
    else if (month < 0 && MONTHS.includes(lower.slice(0, 3)) && /^[a-z]+\.?$/.test(lower)) month = MONTHS.indexOf(lower.slice(0, 3));
    else if (Object.hasOwn(ZONES, lower) || /^[a-z]$/.test(lower)) offset ??= ZONES[lower] ?? 0;
    else if (!DAYS.includes(lower.slice(0, 3))) return undefined;
  }
  if (month < 0 || numbers.length !== 2) return undefined;
  // "17 Jul 1996" and "Jul 17 1996" both give the day first among the numbers; a 4-digit
  // first number means "1996 Jul 17".
  const [a, b] = numbers as [string, string];
  const [dayText, yearText] = a.length > 2 ? [b, a] : [a, b];
  const day = Number(dayText);
  const year = fullYear(yearText);
  if (dayText.length > 2 || year < 100 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetMinutes = offset ?? 0;
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
  if (!Number.isFinite(utc)) return undefined;
  return { date: new Date(utc), offsetMinutes };
}

/** `YYYY-MM-DD` of a UTC instant shifted by `offsetMinutes` (the wall-clock day there). */
export function calendarDay(date: Date, offsetMinutes = 0): string {
  const d = new Date(date.getTime() + offsetMinutes * 60_000);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}
