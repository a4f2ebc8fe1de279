/**
 * FETCH data items (RFC 3501 §6.4.5 and the fetch-att rule of §9), BINARY (RFC 3516) and
 * MODSEQ with the CHANGEDSINCE modifier (RFC 7162 §3.1.4).
 */
import type { Reader } from './reader.ts';
import type { FetchItem, Partial, Section } from './types.ts';

const SIMPLE = new Set([
  'ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.SIZE', 'RFC822.TEXT',
  'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ',
]);

/** RFC 3501 §6.4.5: the macros and the items they stand for. */
export const FETCH_MACROS = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
} as const;

/** Bound on header field names in one HEADER.FIELDS list. */
const MAX_FIELDS = 256;
/** Bound on part-number depth (`1.2.3...`). */
const MAX_PART_DEPTH = 64;

function readPart(r: Reader): number[] {
  const part = [r.nzNumber('part number')];
  while (r.peek() === '.' && /[0-9]/.test(r.currentSlice(r.pos + 1, r.pos + 2))) {
    r.expect('.');
    part.push(r.nzNumber('part number'));
    if (part.length > MAX_PART_DEPTH) throw r.error('Section part nested too deeply');
  }
  return part;
}

/** RFC 3501 §9 section = "[" [section-spec] "]". */
function readSection(r: Reader): Section {
  r.expect('[');
  const section: Section = { part: [] };
  if (r.maybe(']')) return section;
  if (/[0-9]/.test(r.peek())) {
    section.part = readPart(r);
    if (r.maybe(']')) return section;
    r.expect('.');
  }
  const word = r.run(/[A-Za-z.]/).toUpperCase();
  if (word === 'HEADER' || word === 'TEXT' || (word === 'MIME' && section.part.length > 0)) {
    section.text = word;
  } else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
    section.text = word;
    r.sp();
    r.expect('(');
    const fields = [r.astring('header field name').toUpperCase()];
    while (r.peek() === ' ') {
      r.sp();
      fields.push(r.astring('header field name').toUpperCase());
      if (fields.length > MAX_FIELDS) throw r.error('Too many header fields');
    }
    r.expect(')');
    section.fields = fields;
  } else {
    throw r.error('Invalid section');
  }
  r.expect(']');
  return section;
}

/** RFC 3501 §9 partial: "<" number "." nz-number ">". */
function readPartial(r: Reader): Partial | undefined {
  if (!r.maybe('<')) return undefined;
  const offset = r.number('partial offset');
  r.expect('.');
  const length = r.nzNumber('partial length');
  r.expect('>');
  return { offset, length };
}

/** Reads one fetch-att. */
export function readFetchItem(r: Reader): FetchItem {
  const word = r.run(/[A-Za-z0-9.]/).toUpperCase();
  if (r.peek() === '[') {
    if (word === 'BODY' || word === 'BODY.PEEK') {
      const section = readSection(r);
      const partial = readPartial(r);
      const item: FetchItem = { type: 'BODY[]', peek: word === 'BODY.PEEK', section };
      if (partial) item.partial = partial;
      return item;
    }
    if (word === 'BINARY' || word === 'BINARY.PEEK' || word === 'BINARY.SIZE') {
      // RFC 3516: section-binary = "[" [section-part] "]"
      r.expect('[');
      const part = r.peek() === ']' ? [] : readPart(r);
      r.expect(']');
      if (word === 'BINARY.SIZE') return { type: 'BINARY.SIZE', part };
      const partial = readPartial(r);
      const item: FetchItem = { type: 'BINARY', peek: word === 'BINARY.PEEK', part };
      if (partial) item.partial = partial;
      return item;
    }
    throw r.error('Invalid fetch attribute');
  }
  if (SIMPLE.has(word)) return { type: word } as FetchItem;
  throw r.error(`Unknown fetch attribute ${word.slice(0, 20) || JSON.stringify(r.peek())}`);
}

/** After "FETCH SP sequence-set SP": a macro, one item, or a parenthesized list of items. */
export function readFetchItems(r: Reader): { items: FetchItem[]; macro?: 'ALL' | 'FAST' | 'FULL' } {
  if (r.peek() === '(') {
    r.expect('(');
    const items = [readFetchItem(r)];
    while (r.peek() === ' ') {
      r.sp();
      items.push(readFetchItem(r));
      if (items.length > 128) throw r.error('Too many fetch attributes');
    }
    r.expect(')');
    return { items };
  }
  for (const macro of ['ALL', 'FAST', 'FULL'] as const) {
    const after = r.currentSlice(r.pos + macro.length, r.pos + macro.length + 1);
    if ((after === '' || after === ' ') && r.maybe(macro)) {
      return { macro, items: FETCH_MACROS[macro].map((type) => ({ type }) as FetchItem) };
    }
  }
  return { items: [readFetchItem(r)] };
}

/** RFC 7162 §3.1.4 / RFC 4466 fetch-modifiers: SP "(" CHANGEDSINCE SP mod-sequence-value ")". */
export function readFetchModifiers(r: Reader): { changedSince?: bigint } {
  if (r.peek() !== ' ') return {};
  r.sp();
  r.expect('(');
  r.expect('CHANGEDSINCE ');
  const changedSince = r.modseq();
  r.expect(')');
  return { changedSince };
}
