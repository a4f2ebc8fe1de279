/**
 * Body sections (RFC 3501 §6.4.5 BODY[section]): part numbers and the HEADER, HEADER.FIELDS,
 * HEADER.FIELDS.NOT, MIME and TEXT specifiers. Results are subarrays of the stored bytes
 * (never copies), except HEADER.FIELDS(.NOT), which has to be assembled from its fields.
 * A section that does not exist in the message yields an empty result, as in Dovecot.
 */
import type { HeaderField } from '@recapito/core';
import type { Section } from '../protocol/types.ts';
import { isEncapsulating, isMultipart, type Part } from './tree.ts';

const CRLF = Buffer.from('\r\n', 'latin1');
export const EMPTY = new Uint8Array(0);

/**
 * Resolves a part path (RFC 3501 §6.4.5). Part n of a multipart is its n-th body part; a
 * message whose body is not multipart has only a part 1, the body itself; the parts of a
 * message/rfc822 part are those of the message it encapsulates.
 */
export function resolvePart(root: Part, path: readonly number[]): Part | undefined {
  let cur = root;
  // The root is a message: its part numbers count its body's parts.
  let message: Part | undefined = root;
  for (const n of path) {
    if (!Number.isInteger(n) || n < 1) return undefined;
    if (!message && isEncapsulating(cur)) message = cur.children[0]!;
    const container = message ?? cur;
    if (isMultipart(container)) {
      const next = container.children[n - 1];
      if (!next) return undefined;
      cur = next;
    } else if (message && n === 1) {
      cur = message;
    } else return undefined;
    message = undefined;
  }
  return cur;
}

/** The message a HEADER/TEXT specifier applies to: the top level, or an encapsulated message
 * when the path names a message/rfc822 part (RFC 3501 §6.4.5). */
function targetMessage(root: Part, path: readonly number[]): Part | undefined {
  if (path.length === 0) return root;
  const part = resolvePart(root, path);
  return part && isEncapsulating(part) ? part.children[0] : undefined;
}

/** HEADER.FIELDS / HEADER.FIELDS.NOT: the selected field lines as stored (folding kept),
 * then the empty line, which "is included in all header fetches" (RFC 3501 §6.4.5). */
export function headerFields(src: Buffer, fields: readonly HeaderField[], names: readonly string[], not: boolean): Uint8Array {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const chunks: Uint8Array[] = [];
  for (const f of fields) {
    if (wanted.has(f.key) === not) continue;
    chunks.push(src.subarray(f.start, f.end));
    // A last field that ends the message without a line break still gets one.
    if (src[f.end - 1] !== 0x0a) chunks.push(CRLF);
  }
  chunks.push(CRLF);
  return Buffer.concat(chunks);
}

/** The bytes of BODY[section]; `rootHeaders` serves top-level header sections without the tree. */
export function sectionBytes(src: Buffer, section: Section, root: () => Part, rootHeader: () => Pick<Part, 'start' | 'bodyStart' | 'end' | 'headers'>): Uint8Array {
  const { part: path, text } = section;
  if (!text) {
    if (path.length === 0) return src;
    const p = resolvePart(root(), path);
    return p ? src.subarray(p.bodyStart, p.end) : EMPTY;
  }
  if (text === 'MIME') {
    // RFC 3501 §6.4.5: MIME must follow a part number; it is that part's own header.
    if (path.length === 0) return EMPTY;
    const p = resolvePart(root(), path);
    return p ? src.subarray(p.start, p.bodyStart) : EMPTY;
  }
  const m = path.length === 0 ? rootHeader() : targetMessage(root(), path);
  if (!m) return EMPTY;
  switch (text) {
    case 'HEADER':
      return src.subarray(m.start, m.bodyStart);
    case 'TEXT':
      return src.subarray(m.bodyStart, m.end);
    case 'HEADER.FIELDS':
      return headerFields(src, m.headers, section.fields ?? [], false);
    case 'HEADER.FIELDS.NOT':
      return headerFields(src, m.headers, section.fields ?? [], true);
    default:
      return EMPTY;
  }
}
