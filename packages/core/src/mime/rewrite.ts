/**
 * Byte-exact edits of a message: replace or insert header fields and splice entities, copying
 * every untouched byte as it is. Used for postacert.eml (RFC 6109 §2.2.1: the original with only
 * its Message-ID replaced and X-Riferimento-Message-ID added) and for the brief receipt.
 */
import type { Chunks } from './build.ts';

export interface Splice {
  /** Absolute source range [start, end) to replace. */
  readonly start: number;
  readonly end: number;
  readonly replacement: Chunks;
}

/** Applies non-overlapping splices to the source, returning chunks that reference it. */
export function splice(source: Uint8Array, edits: readonly Splice[]): Chunks {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: Chunks = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error('overlapping splices');
    if (e.start > pos) out.push(source.subarray(pos, e.start));
    out.push(...e.replacement);
    pos = e.end;
  }
  if (pos < source.length) out.push(source.subarray(pos));
  return out;
}

/**
 * Converts bare LF line ends to CRLF (RFC 5322 §2.1; SMTP carries CRLF lines). Returns the input
 * itself when it has none, so a well-formed large original is never copied.
 */
export function normalizeCrlf(bytes: Uint8Array): Uint8Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bare = 0;
  let i = buf.indexOf(0x0a);
  while (i >= 0) {
    if (i === 0 || buf[i - 1] !== 0x0d) bare++;
    i = buf.indexOf(0x0a, i + 1);
  }
  if (bare === 0) return bytes;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let o = 0;
  for (let j = 0; j < buf.length; j++) {
    const b = buf[j]!;
    if (b === 0x0a && (j === 0 || buf[j - 1] !== 0x0d)) out[o++] = 0x0d;
    out[o++] = b;
  }
  return out;
}
