/**
 * SEARCH criteria (RFC 3501 §6.4.4 and the search-key rule of §9), with MODSEQ from CONDSTORE
 * (RFC 7162 §3.1.5). Nesting of parentheses, NOT and OR is bounded to keep recursion shallow.
 */
import { readSearchDate } from './dates.ts';
import type { Reader } from './reader.ts';
import type { SearchKey } from './types.ts';

const SIMPLE = new Set([
  'ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN',
  'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN',
]);
const STRING = new Set(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE = new Set(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const WITH_ARGS = new Set(['KEYWORD', 'UNKEYWORD', 'LARGER', 'SMALLER', 'HEADER', 'UID', 'NOT', 'OR', 'MODSEQ']);

/** Default bound on nested parentheses, NOT and OR in one SEARCH. */
export const DEFAULT_MAX_SEARCH_DEPTH = 32;

/** RFC 3501 §9 flag-keyword = atom. */
function readKeyword(r: Reader): string {
  return r.atom('flag keyword');
}

/** Reads one search-key. `depth` counts enclosing lists, NOT and OR. */
export function readSearchKey(r: Reader, depth: number, maxDepth: number): SearchKey {
  if (depth > maxDepth) throw r.error('Search criteria nested too deeply');
  const c = r.peek();
  if (c === '(') {
    r.expect('(');
    const keys = [readSearchKey(r, depth + 1, maxDepth)];
    while (r.peek() === ' ') {
      r.sp();
      keys.push(readSearchKey(r, depth + 1, maxDepth));
    }
    r.expect(')');
    return { key: 'AND', keys };
  }
  if (c === '*' || /[0-9]/.test(c)) return { key: 'SEQ', set: r.sequenceSet() };
  const word = r.run(/[A-Za-z]/).toUpperCase();
  if (!word) throw r.error('Expected a search key');
  if (SIMPLE.has(word)) return { key: word } as SearchKey;
  if (!STRING.has(word) && !DATE.has(word) && !WITH_ARGS.has(word)) throw r.error(`Unknown search key ${word.slice(0, 20)}`);
  r.sp();
  if (STRING.has(word)) return { key: word, value: r.astring() } as SearchKey;
  if (DATE.has(word)) return { key: word, date: readSearchDate(r) } as SearchKey;
  switch (word) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { key: word, flag: readKeyword(r) };
    case 'LARGER':
    case 'SMALLER':
      return { key: word, size: r.number('size') };
    case 'HEADER': {
      const field = r.astring('header field name');
      r.sp();
      return { key: 'HEADER', field, value: r.astring() };
    }
    case 'UID':
      return { key: 'UID', set: r.sequenceSet() };
    case 'NOT':
      return { key: 'NOT', inner: readSearchKey(r, depth + 1, maxDepth) };
    case 'OR': {
      const left = readSearchKey(r, depth + 1, maxDepth);
      r.sp();
      return { key: 'OR', left, right: readSearchKey(r, depth + 1, maxDepth) };
    }
    case 'MODSEQ':
      return readModseq(r);
    default:
      throw r.error(`Unknown search key ${word.slice(0, 20)}`);
  }
}

/** RFC 7162 §7: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer. */
function readModseq(r: Reader): SearchKey {
  if (r.peek() === '"') {
    const name = r.string();
    if (!/^\/flags\/\\?[^\s()]+$/i.test(name)) throw r.error('Invalid MODSEQ entry name');
    r.sp();
    const type = r.run(/[A-Za-z]/).toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all') throw r.error('Invalid MODSEQ entry type');
    r.sp();
    return { key: 'MODSEQ', modseq: r.modseq(true), entry: { name, type } };
  }
  return { key: 'MODSEQ', modseq: r.modseq(true) };
}

/** RFC 3501 §9 search: [CHARSET SP astring SP] 1*(SP search-key), after "SEARCH SP". */
export function readSearch(r: Reader, maxDepth: number): { charset?: string; criteria: SearchKey[] } {
  let charset: string | undefined;
  if (r.maybe('CHARSET ')) {
    charset = r.astring('charset');
    r.sp();
  }
  const criteria = [readSearchKey(r, 0, maxDepth)];
  while (r.peek() === ' ') {
    r.sp();
    criteria.push(readSearchKey(r, 0, maxDepth));
  }
  return charset === undefined ? { criteria } : { charset, criteria };
}
