/**
 * Body decoding: Content-Transfer-Encoding (RFC 2045 §6) then charset. Strict where PEC needs
 * it (base64 of daticert.xml must be well-formed), lenient elsewhere, always reporting.
 */
import libmime from 'libmime';
import { decode as charsetDecode } from 'libmime/lib/charset.js';
import { decode as qpDecode } from 'libqp';
import type { Problem } from '../errors.ts';
import { rawBody, type MimeNode, type ParsedMessage } from './parse.ts';

export interface DecodedBody {
  readonly bytes: Uint8Array;
  readonly problems: Problem[];
}

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a part's body from its transfer encoding. */
export function decodeBody(msg: ParsedMessage, node: MimeNode): DecodedBody {
  const raw = Buffer.from(rawBody(msg, node));
  const problems: Problem[] = [];
  switch (node.encoding) {
    case '7bit':
    case '8bit':
    case 'binary':
      return { bytes: raw, problems };
    case 'quoted-printable':
      return { bytes: qpDecode(raw), problems };
    case 'base64': {
      const text = raw.toString('latin1').replace(/[\r\n\t ]+/g, '');
      if (!BASE64_LINE.test(text) || text.length % 4 !== 0) {
        problems.push({ code: 'MIME_BAD_BASE64', message: `part at byte ${node.start}: invalid base64 body` });
      }
      return { bytes: Buffer.from(text, 'base64'), problems };
    }
    default:
      problems.push({ code: 'MIME_BAD_ENCODING', message: `part at byte ${node.start}: unknown transfer encoding "${node.encoding}"` });
      return { bytes: raw, problems };
  }
}

/** Decodes a text part to a JS string using its charset (default US-ASCII, RFC 2046 §4.1.2). */
export function decodeText(msg: ParsedMessage, node: MimeNode): { text: string; problems: Problem[] } {
  const { bytes, problems } = decodeBody(msg, node);
  const charset = node.contentType.params['charset'] ?? 'us-ascii';
  return { text: charsetDecode(Buffer.from(bytes), charset), problems };
}

/** Decodes RFC 2047 encoded words in an unstructured header value (e.g. Subject). */
export function decodeWords(value: string): string {
  return libmime.decodeWords(value);
}
