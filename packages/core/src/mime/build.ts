/**
 * Writing MIME entities as byte chunks with CRLF line ends (RFC 5322 §2.1, RFC 2045/2046).
 * Bodies are lists of chunks so that a large embedded original (postacert.eml) is referenced,
 * never copied, on its way to the signer and the wire.
 */
import { randomBytes } from 'node:crypto';
import libmime from 'libmime';
import { encode as qpEncode, wrap as qpWrap } from 'libqp';

export type Chunks = Uint8Array[];

const CRLF = '\r\n';
const enc = new TextEncoder();

/** Total length of a chunk list. */
export function chunksLength(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** Joins chunks into one buffer (only where a single buffer is really needed). */
export function concatChunks(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks as Uint8Array[]);
}

/** A boundary that cannot appear in base64 or quoted-printable text (RFC 2045 §6.7 note: "=_"). */
export function newBoundary(tag = 'recapito'): string {
  return `----=_${tag}_${randomBytes(12).toString('hex')}`;
}

function isPlainAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/**
 * Folds a header field at white space so that lines stay within 78 characters where possible
 * (RFC 5322 §2.1.1, §2.2.3). Continuation lines start with a space, as unfolding requires.
 */
export function foldField(name: string, value: string): string {
  const words = value.split(' ');
  let line = `${name}:`;
  const lines: string[] = [];
  for (const word of words) {
    if (line.length + 1 + word.length > 76 && line.trim().length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join(CRLF) + CRLF;
}

/** Encodes free text for an unstructured header (Subject) with RFC 2047 words when needed. */
export function encodeUnstructured(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  return isPlainAscii(clean) ? clean : libmime.encodeWords(clean, 'Q', 52);
}

/** `"Display Name" <addr>` with RFC 2047 encoding of the name where needed. */
export function formatAddress(address: string, displayName?: string): string {
  if (!displayName) return address;
  const name = isPlainAscii(displayName)
    ? `"${displayName.replace(/["\\]/g, (c) => `\\${c}`)}"`
    : libmime.encodeWord(displayName, 'Q', 52);
  return `${name} <${address}>`;
}

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Serializes a header block (fields plus the empty line). Values must be 7-bit ready. */
export function headerBlock(fields: HeaderList): Uint8Array {
  let out = '';
  for (const [name, value] of fields) out += foldField(name, value);
  return enc.encode(out + CRLF);
}

/** A complete entity: header block followed by the body chunks. */
export function entity(fields: HeaderList, body: Chunks): Chunks {
  return [headerBlock(fields), ...body];
}

/** Base64 body in 76-character lines (RFC 2045 §6.8). */
export function base64Body(bytes: Uint8Array): Chunks {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return [enc.encode(lines.join(CRLF) + CRLF)];
}

/** Quoted-printable body of a UTF-8 text with CRLF line ends (RFC 2045 §6.7). */
export function quotedPrintableBody(text: string): Chunks {
  const normalized = text.replace(/\r?\n/g, CRLF);
  const qp = qpWrap(qpEncode(Buffer.from(normalized, 'utf8')), 76);
  return [enc.encode(qp.endsWith(CRLF) ? qp : qp + CRLF)];
}

/** Text part: UTF-8, quoted-printable (7-bit safe, RFC 6109 §4.3). */
export function textPart(subtype: 'plain' | 'html', text: string): Chunks {
  return entity(
    [
      ['Content-Type', `text/${subtype}; charset=UTF-8`],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ],
    quotedPrintableBody(text),
  );
}

/**
 * A multipart body (RFC 2046 §5.1.1): each part is preceded by CRLF--boundary CRLF and the
 * whole is closed by CRLF--boundary--CRLF. Returns the body chunks; the caller writes the
 * Content-Type with the same boundary.
 */
export function multipartBody(boundary: string, parts: readonly Chunks[], preamble?: string): Chunks {
  const out: Chunks = [];
  if (preamble) out.push(enc.encode(preamble + CRLF));
  parts.forEach((part, i) => {
    out.push(enc.encode(`${i === 0 && !preamble ? '' : CRLF}--${boundary}${CRLF}`));
    // A part's last line break belongs to the next delimiter (RFC 2046 §5.1.1), so parts that
    // end in CRLF keep it as content; parts are written as they are.
    out.push(...part);
  });
  out.push(enc.encode(`${CRLF}--${boundary}--${CRLF}`));
  return out;
}

export { enc as utf8Encoder };
