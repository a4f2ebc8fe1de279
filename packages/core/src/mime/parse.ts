/**
 * MIME structure on raw bytes (RFC 2045, RFC 2046). The tree records byte offsets into the
 * source and copies nothing: a 30 MB message is parsed without a second copy, and every part
 * (in particular the signed part of a multipart/signed, RFC 5751 §3.5) can be taken byte-exact.
 */
import { RecapitoError, type Problem } from '../errors.ts';
import { parseContentType, parseContentDisposition, type ContentType, type ContentDisposition } from './content-type.ts';
import { readHeaderBlock, headerValue, type HeaderField } from './headers.ts';
import { DEFAULT_MIME_LIMITS, type MimeLimits } from './limits.ts';

export interface MimeNode {
  /** Absolute offsets in the source: entity start, body start, entity end (exclusive). */
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly headers: HeaderField[];
  readonly contentType: ContentType;
  readonly disposition: ContentDisposition | undefined;
  /** Content-Transfer-Encoding, lower case; `7bit` when absent (RFC 2045 §6.1). */
  readonly encoding: string;
  /** Parts of a multipart, or the single embedded message of a message/rfc822. */
  readonly children: MimeNode[];
  readonly depth: number;
}

export interface ParsedMessage {
  readonly source: Uint8Array;
  readonly root: MimeNode;
  readonly problems: Problem[];
}

interface State {
  readonly src: Buffer;
  readonly limits: MimeLimits;
  readonly problems: Problem[];
  parts: number;
}

/** Parses a whole message. Throws RecapitoError only when a limit is exceeded. */
export function parseMessage(source: Uint8Array, limits: MimeLimits = DEFAULT_MIME_LIMITS): ParsedMessage {
  if (source.length === 0) throw new RecapitoError('MIME_EMPTY', 'the message is empty');
  const src = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const state: State = { src, limits, problems: [], parts: 0 };
  const root = parseEntity(state, 0, src.length, 0, 'text/plain');
  return { source, root, problems: state.problems };
}

function parseEntity(state: State, start: number, end: number, depth: number, defaultType: string): MimeNode {
  if (depth > state.limits.maxDepth) {
    throw new RecapitoError('MIME_TOO_DEEP', `MIME nesting deeper than ${state.limits.maxDepth} levels`);
  }
  if (++state.parts > state.limits.maxParts) {
    throw new RecapitoError('MIME_TOO_MANY_PARTS', `more than ${state.limits.maxParts} body parts`);
  }
  const block = readHeaderBlock(state.src, start, end, state.limits);
  state.problems.push(...block.problems);
  const contentType = parseContentType(headerValue(block.fields, 'content-type'), defaultType);
  const encoding = (headerValue(block.fields, 'content-transfer-encoding') ?? '7bit').toLowerCase().trim();
  const node: MimeNode = {
    start, bodyStart: block.bodyStart, end, headers: block.fields, contentType,
    disposition: parseContentDisposition(headerValue(block.fields, 'content-disposition')),
    encoding, children: [], depth,
  };
  if (contentType.type === 'multipart') {
    parseMultipart(state, node);
  } else if (contentType.mime === 'message/rfc822' && ['7bit', '8bit', 'binary'].includes(encoding)) {
    // RFC 2046 §5.2.1: an embedded message is itself an entity; encoded ones stay opaque.
    if (block.bodyStart < end) node.children.push(parseEntity(state, block.bodyStart, end, depth + 1, 'text/plain'));
  }
  return node;
}

/** Position of the line break ending the line that contains `pos` (LF index) or `end`. */
function lineEnd(src: Buffer, pos: number, end: number): number {
  const lf = src.indexOf(0x0a, pos);
  return lf < 0 || lf >= end ? end : lf;
}

function parseMultipart(state: State, node: MimeNode): void {
  const { src } = state;
  const boundary = node.contentType.params['boundary'];
  if (!boundary) {
    state.problems.push({ code: 'MIME_NO_BOUNDARY', message: `multipart at byte ${node.start} has no boundary` });
    return;
  }
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const childDefault = node.contentType.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
  let pos = node.bodyStart;
  let partStart = -1;
  let closed = false;
  while (pos < node.end) {
    const hit = src.indexOf(delimiter, pos);
    if (hit < 0 || hit + delimiter.length > node.end) break;
    // RFC 2046 §5.1.1: a delimiter starts a line; the line break before it belongs to it.
    const atLineStart = hit === node.bodyStart || src[hit - 1] === 0x0a;
    const after = hit + delimiter.length;
    const isClose = src[after] === 0x2d && src[after + 1] === 0x2d;
    const eol = lineEnd(src, after, node.end);
    // Only transport padding (white space) may follow the boundary on its line.
    const rest = src.subarray(isClose ? after + 2 : after, eol);
    const onlyPadding = rest.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
    if (!atLineStart || !onlyPadding) {
      pos = after;
      continue;
    }
    if (partStart >= 0) {
      let partEnd = hit;
      if (partEnd > partStart && src[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && src[partEnd - 1] === 0x0d) partEnd--;
      node.children.push(parseEntity(state, partStart, Math.max(partStart, partEnd), node.depth + 1, childDefault));
    }
    pos = eol < node.end ? eol + 1 : node.end;
    if (isClose) {
      closed = true;
      break;
    }
    partStart = pos;
  }
  if (!closed) {
    if (partStart < 0) {
      state.problems.push({ code: 'MIME_NO_PARTS', message: `multipart at byte ${node.start} has no part delimited by its boundary` });
      return;
    }
    state.problems.push({ code: 'MIME_TRUNCATED', message: `multipart at byte ${node.start} has no closing delimiter` });
    node.children.push(parseEntity(state, partStart, node.end, node.depth + 1, childDefault));
  }
}

/** The raw bytes of a whole entity (headers and body), as in the source. */
export function entityBytes(msg: ParsedMessage, node: MimeNode): Uint8Array {
  return msg.source.subarray(node.start, node.end);
}

/** The raw (still transfer-encoded) body of an entity. */
export function rawBody(msg: ParsedMessage, node: MimeNode): Uint8Array {
  return msg.source.subarray(node.bodyStart, node.end);
}

/** Depth-first walk over all nodes. */
export function* walk(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

/** A part's file name from Content-Disposition `filename` or Content-Type `name`. */
export function fileName(node: MimeNode): string | undefined {
  return node.disposition?.params['filename'] ?? node.contentType.params['name'];
}
