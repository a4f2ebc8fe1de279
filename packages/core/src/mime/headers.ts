/**
 * Header block reading on raw bytes (RFC 5322 §2.2, §3.6). Fields keep their byte offsets so
 * that callers can copy or replace them without touching a single other byte: signed PEC
 * messages break if anything else changes.
 */
import { RecapitoError, type Problem } from '../errors.ts';
import type { MimeLimits } from './limits.ts';

export interface HeaderField {
  /** Field name as written. */
  readonly name: string;
  /** Lower-case field name, for lookups. */
  readonly key: string;
  /** Absolute byte offset of the first byte of the field in the source. */
  readonly start: number;
  /** Absolute byte offset just after the field's final line break. */
  readonly end: number;
  /** Unfolded value (RFC 5322 §2.2.3), leading/trailing white space trimmed, not RFC 2047
   * decoded. Bytes are read as UTF-8 (RFC 6532) or, when not valid UTF-8, as Latin-1. */
  readonly value: string;
}

export interface HeaderBlock {
  readonly fields: HeaderField[];
  /** Absolute offset where the body starts (after the empty line), or the source end. */
  readonly bodyStart: number;
  readonly problems: Problem[];
}

const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decodes header bytes: UTF-8 when valid (RFC 6532), Latin-1 otherwise (legacy 8-bit mail). */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function isFieldNameByte(b: number): boolean {
  // RFC 5322 §3.6.8: ftext = %d33-57 / %d59-126
  return b >= 33 && b <= 126 && b !== 58;
}

/** Reads the header block of the entity starting at `start` and ending at `end`. */
export function readHeaderBlock(src: Uint8Array, start: number, end: number, limits: MimeLimits): HeaderBlock {
  const fields: HeaderField[] = [];
  const problems: Problem[] = [];
  let pos = start;
  let fieldStart = -1;

  const closeField = (fieldEnd: number): void => {
    if (fieldStart < 0) return;
    if (fieldEnd - fieldStart > limits.maxHeaderFieldBytes) {
      throw new RecapitoError('MIME_HEADER_TOO_LONG', `header field at byte ${fieldStart} is ${fieldEnd - fieldStart} bytes, over the limit of ${limits.maxHeaderFieldBytes}`);
    }
    let colon = fieldStart;
    while (colon < fieldEnd && src[colon] !== 0x3a) colon++;
    let nameEnd = colon;
    while (nameEnd > fieldStart && (src[nameEnd - 1] === 0x20 || src[nameEnd - 1] === 0x09)) nameEnd--;
    const name = latin1.decode(src.subarray(fieldStart, nameEnd));
    const raw = decodeHeaderBytes(src.subarray(colon + 1, fieldEnd));
    const value = raw.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '').trim();
    fields.push({ name, key: name.toLowerCase(), start: fieldStart, end: fieldEnd, value });
    if (fields.length > limits.maxHeaderFields) {
      throw new RecapitoError('MIME_TOO_MANY_HEADERS', `more than ${limits.maxHeaderFields} header fields`);
    }
    fieldStart = -1;
  };

  while (pos < end) {
    if (pos - start > limits.maxHeaderBlockBytes) {
      throw new RecapitoError('MIME_HEADER_TOO_LONG', `header block over the limit of ${limits.maxHeaderBlockBytes} bytes`);
    }
    let lineEnd = pos;
    while (lineEnd < end && src[lineEnd] !== LF) {
      lineEnd++;
      if (lineEnd - pos > limits.maxHeaderFieldBytes) {
        throw new RecapitoError('MIME_HEADER_TOO_LONG', `header line at byte ${pos} exceeds ${limits.maxHeaderFieldBytes} bytes`);
      }
    }
    const next = lineEnd < end ? lineEnd + 1 : end;
    const first = src[pos];
    const isEmpty = first === LF || (first === CR && src[pos + 1] === LF) || (first === CR && pos + 1 === end);
    if (isEmpty) {
      closeField(pos);
      return { fields, bodyStart: next, problems };
    }
    if (first === 0x20 || first === 0x09) {
      if (fieldStart < 0) problems.push({ code: 'MIME_BAD_HEADER', message: `continuation line without a field at byte ${pos}` });
    } else {
      closeField(pos);
      let i = pos;
      while (i < lineEnd && isFieldNameByte(src[i]!)) i++;
      while (i < lineEnd && (src[i] === 0x20 || src[i] === 0x09)) i++;
      if (i === pos || src[i] !== 0x3a) {
        if (fields.length === 0 && pos === start) {
          // No header block at all: RFC 2046 §5.1.1 allows a body part without headers only
          // when it starts with an empty line; treat the whole entity as body and report it.
          problems.push({ code: 'MIME_BAD_HEADER', message: `entity at byte ${start} does not start with a header field` });
          return { fields, bodyStart: start, problems };
        }
        problems.push({ code: 'MIME_BAD_HEADER', message: `line at byte ${pos} is not a header field; header block ends here` });
        return { fields, bodyStart: pos, problems };
      }
      fieldStart = pos;
    }
    pos = next;
  }
  closeField(end);
  return { fields, bodyStart: end, problems };
}

/** First value of a field, by case-insensitive name. */
export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  const key = name.toLowerCase();
  return fields.find((f) => f.key === key)?.value;
}

/** All values of a field, in order. */
export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  const key = name.toLowerCase();
  return fields.filter((f) => f.key === key).map((f) => f.value);
}
