/**
 * A cursor over the parts of a framed command, reading the lexical elements of RFC 3501 §9:
 * SP, atoms, quoted strings, literals, astring, nstring, numbers and sequence sets. Command
 * lines are read as Latin-1 so that positions are byte offsets; quoted strings are decoded as
 * UTF-8 (RFC 9051 §9 allows UTF-8 there) and literals are kept as bytes.
 */
import { ImapParseError } from './errors.ts';
import type { CommandPart } from './framer.ts';
import type { SequenceSet, SeqNumber } from './types.ts';

/* eslint-disable no-control-regex */
/** RFC 3501 §9 ATOM-CHAR: any CHAR except atom-specials. */
const ATOM_CHAR = /[^\x00-\x20\x7f-\xff(){%*"\\\]]/;
/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
const ASTRING_CHAR = /[^\x00-\x20\x7f-\xff(){%*"\\]/;
/* eslint-enable no-control-regex */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** RFC 3501 §9: number is an unsigned 32-bit integer. */
export const MAX_UINT32 = 0xffffffff;
/** RFC 7162 §7: mod-sequence-value is a positive 63-bit integer. */
export const MAX_MODSEQ = (1n << 63n) - 1n;

/** Reads one command; every method throws {@link ImapParseError} on a syntax error. */
export class Reader {
  /** The tag, once read. */
  tag: string | undefined;
  private idx = 0;
  private s: string;
  pos = 0;

  constructor(private readonly parts: CommandPart[]) {
    const first = parts[0];
    if (!first || first.kind !== 'line' || first.bytes.length === 0) throw new ImapParseError('Empty command');
    this.s = Buffer.from(first.bytes).toString('latin1');
    if (this.s.includes('\0')) throw new ImapParseError('NUL octet in command (RFC 3501 §9)');
  }

  /** An error carrying the tag (when read) and the position. */
  error(message: string): ImapParseError {
    return new ImapParseError(message, this.tag);
  }

  /** Text of the current line between two positions. */
  currentSlice(from: number, to: number): string {
    return this.s.slice(from, to);
  }

  /** The next character, or '' at the end of the current line. */
  peek(): string {
    return this.s[this.pos] ?? '';
  }

  /** True when the whole command has been read. */
  atEnd(): boolean {
    return this.pos >= this.s.length && this.idx >= this.parts.length - 1;
  }

  /** Asserts the whole command has been read. */
  end(): void {
    if (!this.atEnd()) throw this.error('Unexpected characters at end of command');
  }

  /** Reads exactly one SP (RFC 3501 §9 note 2: no other white space). */
  sp(): void {
    if (this.s[this.pos] !== ' ') throw this.error('Expected a space');
    this.pos++;
  }

  /** Consumes `text` (case-insensitive) if it is next. */
  maybe(text: string): boolean {
    if (this.s.slice(this.pos, this.pos + text.length).toUpperCase() !== text.toUpperCase()) return false;
    this.pos += text.length;
    return true;
  }

  /** Consumes `text` (case-insensitive) or fails. */
  expect(text: string): void {
    if (!this.maybe(text)) throw this.error(`Expected "${text}"`);
  }

  /** Consumes the longest run of characters each matching `re`. */
  run(re: RegExp): string {
    const start = this.pos;
    while (this.pos < this.s.length && re.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** RFC 3501 §9 atom. */
  atom(what = 'atom'): string {
    const a = this.run(ATOM_CHAR);
    if (!a) throw this.error(`Expected ${what}`);
    return a;
  }

  /** RFC 3501 §9 tag: astring characters except "+". */
  readTag(): string {
    const start = this.pos;
    while (this.pos < this.s.length && ASTRING_CHAR.test(this.s[this.pos]!) && this.s[this.pos] !== '+') this.pos++;
    if (this.pos === start) throw this.error('Missing or invalid tag');
    this.tag = this.s.slice(start, this.pos);
    return this.tag;
  }

  /** A string (quoted or literal) as bytes. */
  stringBytes(): Uint8Array {
    const c = this.peek();
    if (c === '"') return Buffer.from(this.quotedRaw(), 'latin1');
    if (c === '{') return this.literal();
    throw this.error('Expected a string');
  }

  /** RFC 3501 §9 string, decoded as UTF-8. */
  string(): string {
    return this.utf8(this.stringBytes());
  }

  /** RFC 3501 §9 astring: 1*ASTRING-CHAR / string. */
  astring(what = 'astring'): string {
    const c = this.peek();
    if (c === '"' || c === '{') return this.string();
    const a = this.run(ASTRING_CHAR);
    if (!a) throw this.error(`Expected ${what}`);
    return a;
  }

  /** RFC 3501 §9 nstring: string / NIL. */
  nstring(): string | null {
    if (this.peek() !== '"' && this.peek() !== '{') {
      if (this.maybe('NIL')) return null;
      throw this.error('Expected a string or NIL');
    }
    return this.string();
  }

  utf8(bytes: Uint8Array): string {
    if (bytes.includes(0)) throw this.error('NUL octet in string');
    try {
      return UTF8.decode(bytes);
    } catch {
      throw this.error('String is not valid UTF-8');
    }
  }

  /** RFC 3501 §9 quoted: DQUOTE *QUOTED-CHAR DQUOTE, "\" escapes only DQUOTE and "\". */
  private quotedRaw(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) throw this.error('Unterminated quoted string');
      if (c === '"') return out;
      if (c === '\r' || c === '\n') throw this.error('CR or LF in quoted string');
      if (c === '\\') {
        const e = this.s[this.pos++];
        if (e !== '"' && e !== '\\') throw this.error('Invalid escape in quoted string');
        out += e;
      } else {
        out += c;
      }
    }
  }

  /** RFC 3501 §9 literal / RFC 7888 literal+: `{n}` or `{n+}` at the end of a line. */
  literal(): Uint8Array {
    const m = /^\{(\d{1,10})(\+?)\}$/.exec(this.s.slice(this.pos));
    if (!m) throw this.error('Invalid literal');
    const lit = this.parts[this.idx + 1];
    const next = this.parts[this.idx + 2];
    if (!lit || lit.kind !== 'literal' || lit.bytes.length !== Number(m[1]) || !next || next.kind !== 'line') {
      throw this.error('Literal octets missing');
    }
    this.idx += 2;
    this.s = Buffer.from(next.bytes).toString('latin1');
    if (this.s.includes('\0')) throw this.error('NUL octet in command (RFC 3501 §9)');
    this.pos = 0;
    return lit.bytes;
  }

  /** RFC 3501 §9 number: 32-bit unsigned, digits only. */
  number(what = 'number'): number {
    const d = this.run(/[0-9]/);
    if (!d || d.length > 10 || Number(d) > MAX_UINT32) throw this.error(`Expected ${what}`);
    return Number(d);
  }

  /** RFC 3501 §9 nz-number. */
  nzNumber(what = 'non-zero number'): number {
    const n = this.number(what);
    if (n === 0) throw this.error(`Expected ${what}`);
    return n;
  }

  /** RFC 7162 §7 mod-sequence-value (allowZero for mod-sequence-valzer). */
  modseq(allowZero = false): bigint {
    const d = this.run(/[0-9]/);
    if (!d || d.length > 19) throw this.error('Expected a mod-sequence value');
    const v = BigInt(d);
    if (v > MAX_MODSEQ || (!allowZero && v === 0n)) throw this.error('Mod-sequence value out of range');
    return v;
  }

  /** RFC 3501 §9 sequence-set: comma-separated seq-number or seq-range; "*" is the largest. */
  sequenceSet(): SequenceSet {
    const text = this.run(/[0-9:*,]/);
    if (!text) throw this.error('Expected a sequence set');
    return parseSequenceSet(text, this.tag);
  }
}

function seqNumber(t: string, tag: string | undefined): SeqNumber {
  if (t === '*') return '*';
  if (!/^[0-9]{1,10}$/.test(t) || /^0/.test(t) || Number(t) > MAX_UINT32) {
    throw new ImapParseError(`Invalid sequence number "${t.slice(0, 20)}"`, tag);
  }
  return Number(t);
}

/** Parses RFC 3501 §9 sequence-set text such as `1:*,3,5:7`. */
export function parseSequenceSet(text: string, tag?: string): SequenceSet {
  return text.split(',').map((item) => {
    const ends = item.split(':');
    if (ends.length > 2) throw new ImapParseError('Invalid sequence range', tag);
    const start = seqNumber(ends[0]!, tag);
    const end = ends.length === 2 ? seqNumber(ends[1]!, tag) : start;
    return { start, end };
  });
}
