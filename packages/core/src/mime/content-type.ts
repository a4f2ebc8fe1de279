/**
 * Structured MIME header values: Content-Type (RFC 2045 §5), Content-Disposition (RFC 2183),
 * with RFC 2231 parameter continuations and charsets, parsed by libmime.
 */
import libmime from 'libmime';

export interface ContentType {
  /** `type/subtype`, lower case. */
  readonly mime: string;
  readonly type: string;
  readonly subtype: string;
  /** Parameters with lower-case names; RFC 2231 and RFC 2047 values decoded. */
  readonly params: Readonly<Record<string, string>>;
}

function decodeParams(parsed: { params: Record<string, string>; decodedParams?: string[] }): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const already = new Set(parsed.decodedParams ?? []);
  for (const [k, v] of Object.entries(parsed.params)) {
    // Non-standard but common: RFC 2047 words inside parameter values (filenames).
    out[k] = already.has(k) || !v.includes('=?') ? v : libmime.decodeWords(v);
  }
  return out;
}

/** Parses a Content-Type value; RFC 2045 §5.2 default when absent or unparseable. */
export function parseContentType(value: string | undefined, fallback = 'text/plain'): ContentType {
  const parsed = libmime.parseHeaderValue(value ?? '', { stripComments: true });
  let mime = parsed.value.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mime)) mime = fallback;
  const slash = mime.indexOf('/');
  return {
    mime,
    type: mime.slice(0, slash),
    subtype: mime.slice(slash + 1),
    params: value ? decodeParams(parsed) : { charset: 'us-ascii' },
  };
}

export interface ContentDisposition {
  readonly value: string;
  readonly params: Readonly<Record<string, string>>;
}

export function parseContentDisposition(value: string | undefined): ContentDisposition | undefined {
  if (!value) return undefined;
  const parsed = libmime.parseHeaderValue(value, { stripComments: true });
  return { value: parsed.value.trim().toLowerCase(), params: decodeParams(parsed) };
}
