/**
 * The original as carried by a brief delivery receipt (RFC 6109 §3.3.2.2): same MIME structure,
 * but every part with a `name` or `filename` parameter is replaced by a text/plain part named
 * `<name>.hash` holding the SHA-1 of that part as 40 hex digits. Attached messages are replaced
 * whole. Inside a multipart/signed only the content part is touched (the user's signature then
 * fails, by design); opaque application/pkcs7-mime messages are left as they are.
 *
 * Which bytes are hashed is ambiguous in the RFC; the choice is in docs/decisions/0002 and is
 * selectable here.
 */
import { createHash } from 'node:crypto';
import { decodeBody, fileName, parseMessage, rawBody, splice, utf8Encoder, type Chunks, type MimeNode, type ParsedMessage, type Splice } from '../mime/index.ts';

export interface BriefOptions {
  /** `encoded`: the part body as transmitted (default); `decoded`: after transfer decoding. */
  readonly hashInput?: 'encoded' | 'decoded';
}

const OPAQUE = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

function collect(msg: ParsedMessage, node: MimeNode, opts: BriefOptions, out: Splice[]): void {
  if (OPAQUE.has(node.contentType.mime)) return;
  if (node.contentType.mime === 'multipart/signed') {
    // Only the signed content (first part); the signature part stays untouched.
    if (node.children[0]) collect(msg, node.children[0], opts, out);
    return;
  }
  const name = node.contentType.type === 'multipart' ? undefined : fileName(node);
  if (name !== undefined && node.depth > 0) {
    const bytes = opts.hashInput === 'decoded' ? decodeBody(msg, node).bytes : rawBody(msg, node);
    const hash = createHash('sha1').update(bytes).digest('hex');
    const safe = `${name}.hash`.replace(/["\\\r\n]/g, '_');
    const part =
      `Content-Type: text/plain; charset=US-ASCII; name="${safe}"\r\n` +
      `Content-Disposition: attachment; filename="${safe}"\r\n` +
      'Content-Transfer-Encoding: 7bit\r\n\r\n' +
      hash;
    out.push({ start: node.start, end: node.end, replacement: [utf8Encoder.encode(part)] });
    return;
  }
  for (const child of node.children) collect(msg, child, opts, out);
}

export function briefOriginal(postacert: Uint8Array, opts: BriefOptions = {}): Chunks {
  const msg = parseMessage(postacert);
  const edits: Splice[] = [];
  collect(msg, msg.root, opts, edits);
  return splice(postacert, edits);
}
