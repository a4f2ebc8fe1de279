/**
 * Decoded text of a message for SEARCH (RFC 3501 §6.4.4): "[MIME-IMB] content transfer
 * encodings, and [MIME-HDRS] strings in [RFC-2822]/[MIME-IMB] headers, MUST be decoded before
 * comparing". Headers are RFC 2047 decoded with the core's decodeWords; bodies of text/* parts
 * are decoded from their transfer encoding and charset. Other media types are skipped, as
 * §6.4.4 allows. Decoded body text is capped per message (MessageLimits.maxSearchTextBytes).
 */
import { decodeWords, type HeaderField } from '@recapito/core';
import { decodeTransfer } from './binary.ts';
import { isEncapsulating, isMultipart, type Part } from './tree.ts';

/** A header value with RFC 2047 encoded words decoded; the value as is if decoding fails. */
export function decodedValue(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return decodeWords(value);
  } catch {
    return value;
  }
}

/** The header block as searchable text: one `Name: decoded value` line per field. */
export function headerText(fields: readonly HeaderField[]): string {
  return fields.map((f) => `${f.name}: ${decodedValue(f.value)}`).join('\n');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder>();

/** WHATWG windows-1252 for 0x80–0x9F (€, curly quotes, dashes…); the rest is ISO-8859-1. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Node 20's TextDecoder reads windows-1252 (and so latin1 and us-ascii, its WHATWG aliases)
 * as ISO-8859-1, leaving 0x80–0x9F as C1 controls; mail in those charsets means Windows text. */
function windows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]!));
}

function decoderFor(label: string): Decoder {
  let d = decoders.get(label);
  if (!d) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = new TextDecoder('utf-8');
    }
    if (decoders.size < 64) decoders.set(label, d);
  }
  return d;
}

/**
 * Bytes to text in a charset (RFC 2046 §4.1.2). Undeclared or US-ASCII text that holds 8-bit
 * octets is, in practice, UTF-8 or else Windows-1252; a charset TextDecoder does not know is
 * read as UTF-8 with replacement characters.
 */
export function charsetText(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'us-ascii').trim().toLowerCase();
  if (label === 'us-ascii' || label === 'ascii' || label === '') {
    try {
      return utf8Strict.decode(bytes);
    } catch {
      return windows1252(bytes);
    }
  }
  const d = decoderFor(label);
  return d.encoding === 'windows-1252' ? windows1252(bytes) : d.decode(bytes);
}

/** Upper bound of encoded octets that decode to at most `n` octets, to avoid decoding a
 * whole large part when only its beginning will be searched. */
function encodedBudget(encoding: string, n: number): number {
  if (encoding === 'base64') return Math.ceil(n / 3) * 4 + Math.ceil(n / 57) * 2 + 4; // + CRLF per 76-char line
  if (encoding === 'quoted-printable') return n * 3 + 3;
  return n;
}

/**
 * The decoded text of the body: text/* parts in order, and the header of each encapsulated
 * message (it is body text of the outer message), at most `maxBytes` decoded octets of bodies.
 */
export function bodyText(src: Buffer, root: Part, maxBytes: number): string {
  const out: string[] = [];
  let budget = maxBytes;
  const visit = (p: Part): void => {
    if (budget <= 0) return;
    if (isMultipart(p)) {
      for (const c of p.children) visit(c);
      return;
    }
    if (isEncapsulating(p)) {
      const inner = p.children[0]!;
      out.push(headerText(inner.headers));
      visit(inner);
      return;
    }
    if (p.contentType.type !== 'text' || p.opaque) return;
    const raw = src.subarray(p.bodyStart, Math.min(p.end, p.bodyStart + encodedBudget(p.encoding, budget)));
    // An unknown transfer encoding is searched as it stands.
    let bytes = decodeTransfer(raw, p.encoding) ?? raw;
    if (bytes.length > budget) bytes = bytes.subarray(0, budget);
    budget -= bytes.length;
    out.push(charsetText(bytes, p.contentType.params['charset']));
  };
  visit(root);
  return out.join('\n');
}
