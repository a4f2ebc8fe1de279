/**
 * The MIME part tree of one stored message, as byte offsets into its bytes (nothing copied).
 *
 * Header blocks, Content-Type and transfer encodings are read with the core MIME parser's own
 * functions (`readHeaderBlock`, `parseContentType`). Only the walk over the parts is done here,
 * with the same delimiter rules as the core's `parseMessage` (RFC 2046 §5.1.1), because that
 * function is all-or-nothing: past its limits it throws, while IMAP must serve whatever was
 * stored. Here a part at the depth, count or scan limit simply is not opened (it is
 * `opaque`), and a header block over its limits is kept as bytes without fields.
 */
import { RecapitoError, headerValue, parseContentType, readHeaderBlock, type ContentType, type HeaderField } from '@recapito/core';
import type { MessageLimits } from './limits.ts';

export interface Part {
  /** Absolute offsets: entity start, body start (after the empty line), entity end (exclusive). */
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly headers: readonly HeaderField[];
  /** The Content-Type as the core reads it (lower-case type, decoded parameters). */
  readonly contentType: ContentType;
  /** Content-Transfer-Encoding, lower case; `7bit` when absent or empty (RFC 2045 §6.1). */
  readonly encoding: string;
  readonly depth: number;
  /** A multipart or message/rfc822 left unopened at a limit: reported as application/octet-stream. */
  readonly opaque: boolean;
  /** Parts of a multipart, or the one encapsulated message of a message/rfc822 part. */
  readonly children: Part[];
}

/** Identity transfer encodings (RFC 2045 §6.2): only these may wrap a message/rfc822 entity. */
export const IDENTITY_ENCODINGS: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary']);

const LF = 0x0a;
const CR = 0x0d;

export function isMultipart(p: Part): boolean {
  return p.contentType.type === 'multipart' && !p.opaque;
}

/** A message/rfc822 part whose encapsulated message was parsed (RFC 2046 §5.2.1). */
export function isEncapsulating(p: Part): boolean {
  return p.contentType.mime === 'message/rfc822' && !p.opaque && p.children.length === 1;
}

/** Where the header block of an entity ends when the core reader refused it: after the first
 * empty line, or at the end (RFC 5322 §2.1). */
function scanBodyStart(src: Buffer, start: number, end: number): number {
  if (src[start] === LF) return start + 1;
  if (src[start] === CR && src[start + 1] === LF) return Math.min(start + 2, end);
  let i = src.indexOf(LF, start);
  while (i >= 0 && i < end) {
    if (src[i + 1] === LF) return Math.min(i + 2, end);
    if (src[i + 1] === CR && src[i + 2] === LF) return Math.min(i + 3, end);
    i = src.indexOf(LF, i + 1);
  }
  return end;
}

/** Reads one header block; past the limits, the block is found by its empty line but yields no fields. */
export function readHeaders(src: Buffer, start: number, end: number, limits: MessageLimits): { fields: HeaderField[]; bodyStart: number } {
  try {
    const block = readHeaderBlock(src, start, end, limits);
    return { fields: block.fields, bodyStart: block.bodyStart };
  } catch (e) {
    if (!(e instanceof RecapitoError)) throw e;
    return { fields: [], bodyStart: scanBodyStart(src, start, end) };
  }
}

interface Walk {
  readonly src: Buffer;
  readonly limits: MessageLimits;
  parts: number;
  /** Octets multiparts may still scan for delimiters (see MessageLimits.scanRatio). */
  scanBudget: number;
}

/** Builds the tree of the whole message; `first` is its header block when already read. */
export function buildTree(src: Buffer, limits: MessageLimits, first?: { fields: HeaderField[]; bodyStart: number }): Part {
  const walk: Walk = { src, limits, parts: 0, scanBudget: limits.scanAllowanceBytes + limits.scanRatio * src.length };
  return entity(walk, 0, src.length, 0, 'text/plain', first);
}

function entity(w: Walk, start: number, end: number, depth: number, fallback: string, read?: { fields: HeaderField[]; bodyStart: number }): Part {
  w.parts++;
  const { fields, bodyStart } = read ?? readHeaders(w.src, start, end, w.limits);
  let contentType: ContentType;
  try {
    contentType = parseContentType(headerValue(fields, 'content-type'), fallback);
  } catch {
    contentType = parseContentType(undefined, fallback);
  }
  const encoding = (headerValue(fields, 'content-transfer-encoding') ?? '').trim().toLowerCase() || '7bit';
  const opens = contentType.type === 'multipart'
    || (contentType.mime === 'message/rfc822' && IDENTITY_ENCODINGS.has(encoding) && bodyStart < end);
  // RFC 2046 leaves nesting unbounded; bounds keep hostile input from exhausting the stack
  // or the CPU. Decided in document order, so the tree is the same on every build.
  const scan = contentType.type === 'multipart' ? end - bodyStart : 0;
  const opaque = opens && (depth >= w.limits.maxDepth || w.parts >= w.limits.maxParts || scan > w.scanBudget);
  if (!opaque) w.scanBudget -= scan;
  const part: Part = { start, bodyStart, end, headers: fields, contentType, encoding, depth, opaque, children: [] };
  if (!opens || opaque) return part;
  if (contentType.type === 'multipart') splitMultipart(w, part);
  else part.children.push(entity(w, bodyStart, end, depth + 1, 'text/plain'));
  return part;
}

function lineEnd(src: Buffer, pos: number, end: number): number {
  const lf = src.indexOf(LF, pos);
  return lf < 0 || lf >= end ? end : lf;
}

/**
 * RFC 2046 §5.1.1: a delimiter is "--boundary" at the start of a line, followed only by
 * transport padding; the line break before it belongs to it; "--boundary--" closes. Without a
 * closing delimiter (a truncated message) the last part runs to the end, as in the core parser.
 */
function splitMultipart(w: Walk, part: Part): void {
  const { src } = w;
  const boundary = part.contentType.params['boundary'];
  if (!boundary) return;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const childType = part.contentType.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
  const { bodyStart, end } = part;
  let pos = bodyStart;
  let partStart = -1;
  const add = (s: number, e: number): boolean => {
    if (w.parts >= w.limits.maxParts) return false;
    part.children.push(entity(w, s, Math.max(s, e), part.depth + 1, childType));
    return true;
  };
  while (pos < end) {
    const hit = src.indexOf(delimiter, pos);
    if (hit < 0 || hit + delimiter.length > end) break;
    const after = hit + delimiter.length;
    const atLineStart = hit === bodyStart || src[hit - 1] === LF;
    const isClose = after + 1 < end && src[after] === 0x2d && src[after + 1] === 0x2d;
    const eol = lineEnd(src, after, end);
    let padded = true;
    for (let i = isClose ? after + 2 : after; i < eol && padded; i++) padded = src[i] === 0x20 || src[i] === 0x09 || src[i] === CR;
    if (!atLineStart || !padded) {
      pos = after;
      continue;
    }
    if (partStart >= 0) {
      let partEnd = hit;
      if (partEnd > partStart && src[partEnd - 1] === LF) partEnd--;
      if (partEnd > partStart && src[partEnd - 1] === CR) partEnd--;
      // Past the part budget the remaining parts are not listed (Dovecot does the same).
      if (!add(partStart, partEnd)) return;
    }
    pos = eol < end ? eol + 1 : end;
    if (isClose) return;
    partStart = pos;
  }
  if (partStart >= 0) add(partStart, end);
}
