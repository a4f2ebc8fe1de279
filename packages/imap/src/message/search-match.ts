/**
 * SEARCH criteria evaluated against one message (RFC 3501 §6.4.4, MODSEQ of RFC 7162 §3.1.5).
 * Keys in a list are ANDed. String keys are case-insensitive substring matches on decoded text.
 *
 * This server keeps no \Recent flag (RFC 9051 dropped it): RECENT never matches, so NEW
 * (RECENT and UNSEEN) never matches either, and OLD (NOT RECENT) always does.
 */
import type { SearchKey, SequenceSet } from '../protocol/types.ts';
import { calendarDay } from './dates.ts';
import type { MessageView } from './view.ts';

export interface SearchSubject {
  seq: number;
  uid: number;
  /** The largest sequence number and UID in the mailbox: the value of `*` (RFC 3501 §9). */
  maxSeq: number;
  maxUid: number;
  flags: readonly string[];
  /** RFC822.SIZE. */
  size: number;
  internalDate: Date;
  modseq: number;
  /** Present exactly when {@link searchNeedsContent} is true for the keys. */
  view?: MessageView;
}

const CONTENT_KEYS: ReadonlySet<SearchKey['key']> = new Set([
  'BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO', 'HEADER', 'SENTBEFORE', 'SENTON', 'SENTSINCE',
]);

/** True when some key needs the message's headers, body or Date header (the server then
 * loads the stored bytes and passes a view; flags, dates and sizes come from the index). */
export function searchNeedsContent(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => {
    switch (k.key) {
      case 'NOT':
        return searchNeedsContent([k.inner]);
      case 'OR':
        return searchNeedsContent([k.left, k.right]);
      case 'AND':
        return searchNeedsContent(k.keys);
      default:
        return CONTENT_KEYS.has(k.key);
    }
  });
}

/** True when some key needs the body (BODY, TEXT); the other content keys need only the header. */
export function searchNeedsBody(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => {
    switch (k.key) {
      case 'NOT':
        return searchNeedsBody([k.inner]);
      case 'OR':
        return searchNeedsBody([k.left, k.right]);
      case 'AND':
        return searchNeedsBody(k.keys);
      default:
        return k.key === 'BODY' || k.key === 'TEXT';
    }
  });
}

/** True when the message matches every key. */
export function matchSearch(keys: readonly SearchKey[], subject: SearchSubject): boolean {
  return keys.every((k) => matchKey(k, subject));
}

/** `n` is in the set, `*` standing for `max`; ranges in either order (RFC 3501 §6.4.8). */
function inSet(set: SequenceSet, n: number, max: number): boolean {
  return set.some(({ start, end }) => {
    const a = start === '*' ? max : start;
    const b = end === '*' ? max : end;
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}

/** Flags compare case-insensitively (RFC 3501 §2.3.2 system flags; keywords likewise here). */
function hasFlag(flags: readonly string[], flag: string): boolean {
  const f = flag.toLowerCase();
  return flags.some((x) => x.toLowerCase() === f);
}

function needView(s: SearchSubject, key: string): MessageView {
  if (!s.view) throw new TypeError(`SEARCH ${key} needs the message content: pass a view (see searchNeedsContent)`);
  return s.view;
}

/** Case-insensitive substring search in header values; "" matches when the field is present
 * (RFC 3501 §6.4.4 says so of HEADER; the same is done for FROM, TO, CC, BCC, SUBJECT). */
function inHeader(view: MessageView, field: string, needle: string): boolean {
  const values = view.decodedHeaderValues(field);
  if (needle === '') return values.length > 0;
  const n = needle.toLowerCase();
  return values.some((v) => v.toLowerCase().includes(n));
}

/** The day of the Date header in its own zone (RFC 3501: "disregarding time and timezone"). */
function sentDay(view: MessageView): string | undefined {
  const sent = view.sentDateWithZone();
  return sent && calendarDay(sent.date, sent.offsetMinutes);
}

function matchKey(k: SearchKey, s: SearchSubject): boolean {
  switch (k.key) {
    case 'ALL':
      return true;
    case 'ANSWERED': return hasFlag(s.flags, '\\Answered');
    case 'DELETED': return hasFlag(s.flags, '\\Deleted');
    case 'DRAFT': return hasFlag(s.flags, '\\Draft');
    case 'FLAGGED': return hasFlag(s.flags, '\\Flagged');
    case 'SEEN': return hasFlag(s.flags, '\\Seen');
    case 'UNANSWERED': return !hasFlag(s.flags, '\\Answered');
    case 'UNDELETED': return !hasFlag(s.flags, '\\Deleted');
    case 'UNDRAFT': return !hasFlag(s.flags, '\\Draft');
    case 'UNFLAGGED': return !hasFlag(s.flags, '\\Flagged');
    case 'UNSEEN': return !hasFlag(s.flags, '\\Seen');
    case 'RECENT':
    case 'NEW':
      return false;
    case 'OLD':
      return true;
    case 'KEYWORD': return hasFlag(s.flags, k.flag);
    case 'UNKEYWORD': return !hasFlag(s.flags, k.flag);
    case 'LARGER': return s.size > k.size;
    case 'SMALLER': return s.size < k.size;
    case 'SEQ': return inSet(k.set, s.seq, s.maxSeq);
    case 'UID': return inSet(k.set, s.uid, s.maxUid);
    case 'MODSEQ':
      // RFC 7162 §3.1.5: mod-sequence at least the given value. Flags carry no modseq of
      // their own here, so the entry name and type do not narrow the comparison.
      return BigInt(s.modseq) >= k.modseq;
    case 'NOT': return !matchKey(k.inner, s);
    case 'OR': return matchKey(k.left, s) || matchKey(k.right, s);
    case 'AND': return k.keys.every((x) => matchKey(x, s));
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      // The internal date's day in UTC, the zone INTERNALDATE is written in (writer.ts).
      return compareDay(k.key, calendarDay(s.internalDate), k.date);
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE': {
      // A message without a readable Date header matches none of the three.
      const day = sentDay(needView(s, k.key));
      return day !== undefined && compareDay(k.key, day, k.date);
    }
    case 'FROM':
    case 'TO':
    case 'CC':
    case 'BCC':
    case 'SUBJECT':
      return inHeader(needView(s, k.key), k.key, k.value);
    case 'HEADER':
      return inHeader(needView(s, k.key), k.field, k.value);
    case 'BODY': {
      const view = needView(s, k.key);
      return k.value === '' || view.searchBodyText().includes(k.value.toLowerCase());
    }
    case 'TEXT': {
      const view = needView(s, k.key);
      const n = k.value.toLowerCase();
      return n === '' || view.searchHeaderText().includes(n) || view.searchBodyText().includes(n);
    }
  }
}

/** BEFORE: earlier day; ON: same day; SINCE: same or later (RFC 3501 §6.4.4). Days are
 * `YYYY-MM-DD`, so string order is date order. */
function compareDay(key: string, day: string, date: string): boolean {
  if (key.endsWith('BEFORE')) return day < date;
  if (key.endsWith('ON')) return day === date;
  return day >= date;
}
