/**
 * Legal time ("ora legale italiana") as PEC writes it.
 *
 * Every PEC transaction step has one single time value, reused in the `Date:` header, in the
 * body text, in daticert.xml and in the log (RFC 6109 §4.1–4.2; DM 2/11/2005 art. 9). It is
 * local Italian time with its offset from UTC: `dd/mm/yyyy`, `hh:mm:ss`, `+0100` / `+0200`.
 * The offset makes the value unambiguous even in the hour repeated when summer time ends.
 *
 * Computed with Intl only (no host time zone, no system clock): callers pass the instant.
 */
import { RecapitoError } from '../errors.ts';

/** A legal timestamp as carried by daticert.xml `<data zona="..."><giorno/><ora/></data>`. */
export interface LegalTime {
  /** Local date, `dd/mm/yyyy`. */
  giorno: string;
  /** Local time of day, `hh:mm:ss` (24-hour clock, 1-second precision). */
  ora: string;
  /** Offset of local time from UTC, `[+-]hhmm`, e.g. `+0100` (winter) or `+0200` (summer). */
  zona: string;
}

/** Codes thrown by this module, with one-line descriptions (for docs/errors.md). */
export const TIME_ERRORS = {
  TIME_INVALID: 'A legal time is not dd/mm/yyyy, hh:mm:ss, [+-]hhmm, or names a date or time that does not exist.',
  TIME_OUT_OF_RANGE: 'The instant is not a valid date, falls outside years 1000–9999, or its offset is not a whole minute.',
  TIME_UNKNOWN_ZONE: 'The IANA time zone name is not known to the runtime.',
} as const;

/** A code of {@link TIME_ERRORS}. */
export type TimeErrorCode = keyof typeof TIME_ERRORS;

/** The zone of PEC legal time: Italy. Other zones exist for tests and foreign deployments. */
export const LEGAL_TIME_ZONE = 'Europe/Rome';

const GIORNO_RE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const ORA_RE = /^(\d{2}):(\d{2}):(\d{2})$/;
const ZONA_RE = /^([+-])(\d{2})(\d{2})$/;

// Building a DateTimeFormat is costly (ICU); one per zone is enough for the life of the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      // hourCycle h23: midnight is 00, never 24 (some locales print 24:00:00).
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    } catch (err) {
      throw new RecapitoError('TIME_UNKNOWN_ZONE', `unknown time zone "${timeZone}"`, { cause: err });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** UTC milliseconds of a calendar date and time read as if it were UTC (years < 100 included). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/**
 * Converts an instant to legal time in `timeZone` (default Italy), truncated to the second.
 * Correct across daylight-saving changes: the offset is the one in force at that instant.
 * @throws RecapitoError `TIME_OUT_OF_RANGE`, `TIME_UNKNOWN_ZONE`
 */
export function toLegalTime(instant: Date, timeZone: string = LEGAL_TIME_ZONE): LegalTime {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RecapitoError('TIME_OUT_OF_RANGE', 'invalid Date');
  // Guard first: Intl prints years before 1 CE without a sign, which would read as CE years.
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 999 || utcYear > 10000) {
    throw new RecapitoError('TIME_OUT_OF_RANGE', `year ${utcYear} is outside 1000–9999`);
  }
  // 1-second precision (RFC 6109 §4.1): truncate, never round, so a time is never in the future.
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(seconds))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN } = parts;
  // yyyy has four digits (RFC 6109 §4.2).
  if (!(year >= 1000 && year <= 9999)) {
    throw new RecapitoError('TIME_OUT_OF_RANGE', `local year ${year} is outside 1000–9999`);
  }
  const offsetSec = (utcMs(year, month, day, hour, minute, second) - seconds) / 1000;
  // Local mean times before standard zones (Rome before 1893: +00:49:56) have no hhmm form.
  if (!Number.isInteger(offsetSec / 60)) {
    throw new RecapitoError('TIME_OUT_OF_RANGE', `offset of ${offsetSec} s in ${timeZone} is not a whole minute`);
  }
  const offMin = Math.abs(offsetSec / 60);
  return {
    giorno: `${pad(day)}/${pad(month)}/${pad(year, 4)}`,
    ora: `${pad(hour)}:${pad(minute)}:${pad(second)}`,
    zona: `${offsetSec < 0 ? '-' : '+'}${pad(Math.floor(offMin / 60))}${pad(offMin % 60)}`,
  };
}

interface LegalFields { y: number; mo: number; d: number; h: number; mi: number; s: number; offsetMin: number }

function parseFields(t: LegalTime): LegalFields | string {
  const g = GIORNO_RE.exec(t.giorno);
  if (!g) return `giorno "${t.giorno}" is not dd/mm/yyyy`;
  const o = ORA_RE.exec(t.ora);
  if (!o) return `ora "${t.ora}" is not hh:mm:ss`;
  const z = ZONA_RE.exec(t.zona);
  if (!z) return `zona "${t.zona}" is not [+-]hhmm`;
  const [d, mo, y] = [Number(g[1]), Number(g[2]), Number(g[3])];
  const [h, mi, s] = [Number(o[1]), Number(o[2]), Number(o[3])];
  const [zh, zm] = [Number(z[2]), Number(z[3])];
  if (y < 1000) return `giorno "${t.giorno}": year before 1000`;
  // Round-trip through UTC rejects 31/02, 00/01 and the like.
  const probe = new Date(utcMs(y, mo, d, 0, 0, 0));
  if (mo < 1 || mo > 12 || probe.getUTCDate() !== d || probe.getUTCMonth() !== mo - 1) {
    return `giorno "${t.giorno}" is not a calendar date`;
  }
  // No leap second: legal time is derived from UTC at 1 s precision and never shows :60.
  if (h > 23 || mi > 59 || s > 59) return `ora "${t.ora}" is not a time of day`;
  // Same bounds as an RFC 5322 §3.3 zone: hh up to 23, mm up to 59.
  if (zh > 23 || zm > 59) return `zona "${t.zona}" is not a UTC offset`;
  const offsetMin = (z[1] === '-' ? -1 : 1) * (zh * 60 + zm);
  return { y, mo, d, h, mi, s, offsetMin };
}

/**
 * Explains why `t` is not a well-formed legal time, or returns `undefined` when it is.
 * Checks formats (`dd/mm/yyyy`, `hh:mm:ss`, `[+-]hhmm`) and that the date exists.
 */
export function legalTimeError(t: LegalTime): string | undefined {
  const r = parseFields(t);
  return typeof r === 'string' ? r : undefined;
}

/**
 * The instant a legal time denotes (inverse of {@link toLegalTime}). The offset in `zona`
 * decides, so the repeated hour at the end of summer time maps to the right instant.
 * @throws RecapitoError `TIME_INVALID`
 */
export function fromLegalTime(t: LegalTime): Date {
  const r = parseFields(t);
  if (typeof r === 'string') throw new RecapitoError('TIME_INVALID', r);
  return new Date(utcMs(r.y, r.mo, r.d, r.h, r.mi, r.s) - r.offsetMin * 60_000);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * The RFC 5322 §3.3 date-time for a legal time, e.g. `Mon, 23 Nov 2026 22:17:28 +0100`: the
 * same value the daticert carries, written for the `Date:` header (RFC 6109 §4.1: one time
 * value per step). The day is written without a leading zero, as in RFC 5322's own examples.
 * @throws RecapitoError `TIME_INVALID`
 */
export function legalTimeToRfc5322(t: LegalTime): string {
  const r = parseFields(t);
  if (typeof r === 'string') throw new RecapitoError('TIME_INVALID', r);
  const weekday = WEEKDAYS[new Date(utcMs(r.y, r.mo, r.d, 0, 0, 0)).getUTCDay()];
  return `${weekday}, ${r.d} ${MONTHS[r.mo - 1]} ${pad(r.y, 4)} ${t.ora} ${t.zona}`;
}

/**
 * The `Date:` header value for `instant` in `timeZone` (default Italy), local time with offset.
 * @throws RecapitoError `TIME_OUT_OF_RANGE`, `TIME_UNKNOWN_ZONE`
 */
export function formatRfc5322Date(instant: Date, timeZone: string = LEGAL_TIME_ZONE): string {
  return legalTimeToRfc5322(toLegalTime(instant, timeZone));
}

/** Pieces of a legal time for Italian body text (RFC 6109 §4.2; offset as observed: `(+0100)`). */
export interface HumanLegalTime {
  /** `23/11/2026` */
  giorno: string;
  /** `22:17:28` */
  ora: string;
  /** `(+0100)`: providers write the bare offset, not the `(+01:00)` of the RFC's ABNF. */
  zona: string;
  /** `alle ore 22:17:28 (+0100)` */
  alleOre: string;
  /** `il giorno 23/11/2026 alle ore 22:17:28 (+0100)`, for the middle of a sentence. */
  text: string;
  /** `Il giorno 23/11/2026 alle ore 22:17:28 (+0100)`, to open a sentence. */
  sentence: string;
}

/** Splits a legal time into the phrases receipts use ("Il giorno ... alle ore ... (+0100)"). */
export function humanLegalTime(t: LegalTime): HumanLegalTime {
  const zona = `(${t.zona})`;
  const alleOre = `alle ore ${t.ora} ${zona}`;
  const tail = `giorno ${t.giorno} ${alleOre}`;
  return { giorno: t.giorno, ora: t.ora, zona, alleOre, text: `il ${tail}`, sentence: `Il ${tail}` };
}
