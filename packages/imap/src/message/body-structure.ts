/**
 * BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, grammar in §9: body, body-type-1part,
 * body-type-mpart, body-ext-1part, body-ext-mpart). Types, parameters and field values are
 * reported as written in the message; defaults follow RFC 2045 §5.2 (text/plain;
 * charset=us-ascii, 7bit) and RFC 2046 §5.1.5 (message/rfc822 inside multipart/digest), and
 * are spelled in upper case as in the RFC 3501 grammar and examples (`"TEXT" "PLAIN"
 * ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48`); case carries no meaning (RFC 2045 §5.1).
 * Dovecot writes these defaults in lower case (a documented difference).
 */
import { headerValue, type HeaderField } from '@recapito/core';
import type { WireValue } from '../protocol/writer.ts';
import { envelope } from './envelope.ts';
import { languageTags, mediaType, parseStructured, type RawParam } from './header-values.ts';
import { isEncapsulating, isMultipart, type Part } from './tree.ts';
import { adjacent } from './wire.ts';

/** A multipart needs at least one body (RFC 3501 §9 body-type-mpart = 1*body); one without
 * parts (no boundary, no delimiter) gets this empty text part, as Dovecot reports it. */
function emptyText(extensible: boolean): WireValue[] {
  const basic: WireValue[] = ['TEXT', 'PLAIN', ['CHARSET', 'US-ASCII'], null, null, '7BIT', 0, 0];
  return extensible ? [...basic, null, null, null, null] : basic;
}

/** RFC 3501 §9 body-fld-param: NIL when there are no parameters. */
function paramList(params: readonly RawParam[]): WireValue {
  return params.length ? params.flatMap((p) => [p.name, p.value]) : null;
}

function optional(fields: readonly HeaderField[], name: string): string | null {
  return headerValue(fields, name) ?? null;
}

/** body-fld-dsp (RFC 2183 via RFC 3501 §7.4.2): `(type params)` or NIL. */
function disposition(fields: readonly HeaderField[]): WireValue {
  const value = headerValue(fields, 'content-disposition');
  if (value === undefined) return null;
  const { head, params } = parseStructured(value);
  return head ? [head, paramList(params)] : null;
}

/** body-fld-lang: one tag as a string, several as a list, none as NIL (RFC 3282 §2). */
function language(fields: readonly HeaderField[]): WireValue {
  const value = headerValue(fields, 'content-language');
  const tags = value === undefined ? [] : languageTags(value);
  if (tags.length === 0) return null;
  return tags.length === 1 ? tags[0]! : tags;
}

/** body-fld-loc: a URI (RFC 2557 §4.2), which may have been folded: white space goes away. */
function location(fields: readonly HeaderField[]): WireValue {
  const value = headerValue(fields, 'content-location');
  return value === undefined ? null : value.replace(/\s+/g, '');
}

/** Lines of a body: its LF count (a last line without a line break is not counted, as in
 * Dovecot; RFC 3501 does not say). Counted in the transfer encoding, per §7.4.2. */
function lineCount(src: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = src.indexOf(0x0a, start); i >= 0 && i < end; i = src.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Type, subtype and parameters as written, or the defaults when the header is absent or unusable. */
function media(part: Part): { type: string; subtype: string; params: RawParam[] } {
  const raw = headerValue(part.headers, 'content-type');
  const parsed = raw === undefined ? undefined : parseStructured(raw);
  const written = parsed && mediaType(parsed.head);
  if (part.opaque) return { type: 'APPLICATION', subtype: 'OCTET-STREAM', params: [] };
  if (parsed && written && `${written.type}/${written.subtype}`.toLowerCase() === part.contentType.mime) {
    return { ...written, params: parsed.params };
  }
  return { type: part.contentType.type.toUpperCase(), subtype: part.contentType.subtype.toUpperCase(), params: [] };
}

/** The body structure of `part`; `extensible` adds the extension data of BODYSTRUCTURE. */
export function bodyStructure(src: Buffer, part: Part, extensible: boolean): WireValue {
  const { headers } = part;
  const { type, subtype, params } = media(part);
  const ext = [disposition(headers), language(headers), location(headers)];
  if (isMultipart(part)) {
    const bodies = part.children.length ? part.children.map((c) => bodyStructure(src, c, extensible)) : [emptyText(extensible)];
    // 1*body: the bodies follow each other without SP (RFC 3501 §9), hence one atom.
    const children = adjacent(bodies);
    return extensible ? [children, subtype, paramList(params), ...ext] : [children, subtype];
  }
  const isText = type.toLowerCase() === 'text';
  // RFC 2046 §4.1.2: text without a charset is US-ASCII; say so, as clients expect a charset.
  const withCharset = isText && !params.some((p) => p.name.toLowerCase() === 'charset')
    ? [...params, { name: 'CHARSET', value: 'US-ASCII' }] : params;
  const transfer = headerValue(headers, 'content-transfer-encoding')?.trim() || '7BIT';
  const out: WireValue[] = [
    type, subtype, paramList(withCharset), optional(headers, 'content-id'), optional(headers, 'content-description'),
    transfer, part.end - part.bodyStart,
  ];
  const isMessage = !part.opaque && part.contentType.mime === 'message/rfc822';
  if (isMessage) {
    // RFC 3501 §9 body-type-msg: envelope, body and lines of the encapsulated message. An
    // encoded or empty one (not parsed, RFC 2046 §5.2.1) is described as an empty message.
    const inner = isEncapsulating(part) ? part.children[0]! : undefined;
    out.push(inner ? envelope(inner.headers) : envelope([]));
    out.push(inner ? bodyStructure(src, inner, extensible) : emptyText(extensible));
  }
  if (isText || isMessage) out.push(lineCount(src, part.bodyStart, part.end));
  if (extensible) out.push(optional(headers, 'content-md5'), ...ext);
  return out;
}
