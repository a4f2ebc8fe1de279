/**
 * A reader for LDIF content records (RFC 2849), the format in which the providers' index is
 * distributed (RFC 6109 §4.5). The input comes from a network download, so every dimension is
 * capped and every deviation is a {@link LdifError} with a code and a line number. The reader
 * never follows `attr:< URL` values: the core reads no files and no URLs.
 */
import { decodeBase64Strict } from './codec.ts';
import { LdifError } from './errors.ts';

/** One attribute value of an entry. */
export type LdifAttribute = {
  /** Attribute type as written (e.g. `providerCertificate`), without options. */
  readonly type: string;
  /** Attribute options after `;`, lower case (e.g. `['binary']`). */
  readonly options: readonly string[];
  /** 1-based line where the value starts. */
  readonly line: number;
} & (
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'base64'; readonly bytes: Uint8Array }
);

/** One content record: a DN and its attribute values, in file order. */
export interface LdifEntry {
  readonly dn: string;
  /** 1-based line of the `dn:` line. */
  readonly line: number;
  readonly attributes: readonly LdifAttribute[];
}

/** Bounds on LDIF reading. Each exists because the file comes from the network. */
export interface LdifLimits {
  /** Whole input: bytes for a `Uint8Array`, UTF-16 units for a string. The full national
   * directory is a few megabytes; 64 MiB leaves ample room. */
  maxSize: number;
  /** One line after unfolding. The longest honest value is a base64 certificate (~10 KB). */
  maxLineLength: number;
  /** Records (entries). The directory holds tens of providers and their secondary environments. */
  maxRecords: number;
  /** Attribute values in one record (a provider may manage many customer domains). */
  maxValuesPerRecord: number;
  /** Attribute values in the whole input: bounds memory spent on small objects. */
  maxValues: number;
}

/** Default {@link LdifLimits}. */
export const DEFAULT_LDIF_LIMITS: Readonly<LdifLimits> = Object.freeze({
  maxSize: 64 * 1024 * 1024,
  maxLineLength: 256 * 1024,
  maxRecords: 10_000,
  maxValuesPerRecord: 500_000,
  maxValues: 1_000_000,
});

// RFC 2849: AttributeType is a name (ALPHA *(ALPHA / DIGIT / "-")) or a numeric OID; each
// option is 1*(ALPHA / DIGIT / "-").
const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)(?:;[A-Za-z0-9-]+)*$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses LDIF content records. Accepts an optional `version: 1` line, `#` comments, folded
 * lines, LF or CRLF, plain, base64 (`::`) and `;binary` values, and base64 DNs. Refuses change
 * records, URL values, malformed lines and inputs beyond `limits`.
 *
 * Plain values are read as UTF-8 text even outside the SAFE-STRING range of RFC 2849, so that
 * hand-edited files with accented names unencoded still load; CR and NUL are still refused.
 *
 * @throws {LdifError} with one of the `LDIF_*` codes.
 */
export function parseLdif(input: string | Uint8Array, limits: Partial<LdifLimits> = {}): LdifEntry[] {
  const lim: LdifLimits = { ...DEFAULT_LDIF_LIMITS, ...limits };
  let text: string;
  if (typeof input === 'string') {
    if (input.length > lim.maxSize) throw new LdifError('LDIF_TOO_LARGE', `input of ${input.length} characters exceeds ${lim.maxSize}`);
    text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  } else {
    if (input.length > lim.maxSize) throw new LdifError('LDIF_TOO_LARGE', `input of ${input.length} bytes exceeds ${lim.maxSize}`);
    try {
      text = utf8.decode(input); // strips a leading BOM
    } catch {
      throw new LdifError('LDIF_BAD_ENCODING', 'the content is not valid UTF-8');
    }
  }
  const reader = new RecordReader(lim);
  forEachLogicalLine(text, lim.maxLineLength, (line, no) => reader.accept(line, no));
  return reader.finish();
}

/**
 * Splits into physical lines (LF or CRLF, RFC 2849 SEP) and joins folded ones: a line that
 * starts with one space continues the previous line, minus that space (RFC 2849 note 2).
 * Calls `emit` with each logical line and the number of its first physical line; an empty
 * string marks a record separator.
 */
function forEachLogicalLine(text: string, maxLen: number, emit: (line: string, no: number) => void): void {
  let parts: string[] = [];
  let partsLen = 0;
  let start = 0;
  let pos = 0;
  let no = 0;
  const flush = (): void => {
    if (parts.length > 0) emit(parts.length === 1 ? (parts[0] ?? '') : parts.join(''), start);
    parts = [];
    partsLen = 0;
  };
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    no++;
    const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    // Checked before slicing so that a hostile megabyte line is never copied.
    if (stop - pos - (text.charCodeAt(pos) === 32 ? 1 : 0) > maxLen) throw new LdifError('LDIF_LINE_TOO_LONG', `line longer than ${maxLen} characters`, no);
    const physical = text.slice(pos, stop);
    const last = end === text.length;
    pos = end + 1;
    if (physical.startsWith(' ')) {
      if (parts.length === 0) throw new LdifError('LDIF_MALFORMED', 'continuation line (starting with a space) with no line to continue', no);
      partsLen += physical.length - 1;
      if (partsLen > maxLen) throw new LdifError('LDIF_LINE_TOO_LONG', `folded line longer than ${maxLen} characters`, start);
      parts.push(physical.slice(1));
    } else {
      flush();
      if (physical.length === 0) {
        if (!last) emit('', no);
      } else {
        parts = [physical];
        partsLen = physical.length;
        start = no;
      }
    }
    if (last) break;
  }
  flush();
}

/** The record state machine over logical lines. */
class RecordReader {
  readonly #lim: LdifLimits;
  readonly #entries: LdifEntry[] = [];
  #dn: string | undefined;
  #dnLine = 0;
  #attrs: LdifAttribute[] = [];
  #seenContent = false;
  #values = 0;

  constructor(lim: LdifLimits) {
    this.#lim = lim;
  }

  accept(line: string, no: number): void {
    if (line === '') {
      this.#close(no);
      return;
    }
    if (line.startsWith('#')) return; // comment (RFC 2849 note 5), folded parts included
    const first = !this.#seenContent;
    this.#seenContent = true;
    const { type, options, rest } = splitAttribute(line, no);
    const lower = type.toLowerCase();
    if (first && lower === 'version' && options.length === 0) {
      // version-spec = "version:" FILL "1" (RFC 2849); optional here, as many writers omit it.
      if (rest.replace(/^ +/, '').trimEnd() !== '1') throw new LdifError('LDIF_BAD_VERSION', `unsupported "${line}"; only "version: 1" is defined`, no);
      return;
    }
    if (this.#dn === undefined) {
      if (lower !== 'dn' || options.length > 0) throw new LdifError('LDIF_MALFORMED', `a record must start with "dn:", found "${clip(line)}"`, no);
      this.#startRecord(rest, no);
      return;
    }
    if (lower === 'dn') throw new LdifError('LDIF_MALFORMED', 'a second "dn:" inside one record (records are separated by a blank line)', no);
    if (lower === 'changetype' || lower === 'control') {
      throw new LdifError('LDIF_CHANGE_RECORD', `"${type}:" makes this a change record; the providers' index accepts content records only`, no);
    }
    if (++this.#values > this.#lim.maxValues) throw new LdifError('LDIF_TOO_MANY_VALUES', `more than ${this.#lim.maxValues} values in the content`, no);
    if (this.#attrs.length >= this.#lim.maxValuesPerRecord) {
      throw new LdifError('LDIF_TOO_MANY_VALUES', `more than ${this.#lim.maxValuesPerRecord} values in the record of line ${this.#dnLine}`, no);
    }
    this.#attrs.push(readValue(type, options, rest, no));
  }

  finish(): LdifEntry[] {
    this.#close(0);
    return this.#entries;
  }

  #startRecord(rest: string, no: number): void {
    if (this.#entries.length >= this.#lim.maxRecords) throw new LdifError('LDIF_TOO_MANY_RECORDS', `more than ${this.#lim.maxRecords} records`, no);
    const v = readValue('dn', [], rest, no);
    if (v.kind === 'text') {
      this.#dn = v.text;
    } else {
      try {
        this.#dn = utf8.decode(v.bytes);
      } catch {
        throw new LdifError('LDIF_BAD_ENCODING', 'the base64 DN is not valid UTF-8', no);
      }
    }
    this.#dnLine = no;
    this.#attrs = [];
  }

  #close(no: number): void {
    if (this.#dn === undefined) return;
    // ldif-attrval-record = dn-spec SEP 1*attrval-spec (RFC 2849)
    if (this.#attrs.length === 0) throw new LdifError('LDIF_MALFORMED', `the record of line ${this.#dnLine} has no attributes`, no || this.#dnLine);
    this.#entries.push({ dn: this.#dn, line: this.#dnLine, attributes: this.#attrs });
    this.#dn = undefined;
    this.#attrs = [];
  }
}

function splitAttribute(line: string, no: number): { type: string; options: string[]; rest: string } {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new LdifError('LDIF_MALFORMED', `expected "attribute: value", found "${clip(line)}"`, no);
  const desc = line.slice(0, colon);
  if (!ATTRIBUTE_DESCRIPTION.test(desc)) throw new LdifError('LDIF_MALFORMED', `invalid attribute description "${clip(desc)}"`, no);
  const [type = '', ...options] = desc.split(';');
  return { type, options: options.map((o) => o.toLowerCase()), rest: line.slice(colon + 1) };
}

/** value-spec = ":" (FILL SAFE-STRING / ":" FILL BASE64-STRING / "<" FILL url), RFC 2849. */
function readValue(type: string, options: string[], rest: string, no: number): LdifAttribute {
  if (rest.startsWith(':')) {
    const b64 = rest.slice(1).replace(/^ +/, '').replace(/ +$/, '');
    const bytes = decodeBase64Strict(b64);
    if (bytes === undefined) throw new LdifError('LDIF_BAD_BASE64', `the base64 value of "${type}" is not valid base64`, no);
    return { type, options, line: no, kind: 'base64', bytes };
  }
  if (rest.startsWith('<')) {
    throw new LdifError('LDIF_URL_VALUE', `"${type}:<" takes its value from a URL; URL values are refused (the index must be self-contained)`, no);
  }
  const text = rest.replace(/^ +/, '');
  if (/[\0\r]/.test(text)) throw new LdifError('LDIF_MALFORMED', `the value of "${type}" contains NUL or CR; such values must be base64`, no);
  return { type, options, line: no, kind: 'text', text };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The values of an attribute type in an entry, compared case-insensitively (attribute
 * descriptions are case-insensitive, RFC 4512 §2.5), whatever their options. */
export function ldifValues(entry: LdifEntry, type: string): LdifAttribute[] {
  const t = type.toLowerCase();
  return entry.attributes.filter((a) => a.type.toLowerCase() === t);
}

/** A value as text (base64 values are decoded as UTF-8); `undefined` if not valid UTF-8. */
export function ldifText(attr: LdifAttribute): string | undefined {
  if (attr.kind === 'text') return attr.text;
  try {
    return utf8.decode(attr.bytes);
  } catch {
    return undefined;
  }
}

/** A value as bytes (text values are encoded as UTF-8). */
export function ldifBytes(attr: LdifAttribute): Uint8Array {
  return attr.kind === 'base64' ? attr.bytes : new TextEncoder().encode(attr.text);
}
