/**
 * Reading the original message submitted by a user (or received from outside), and deriving
 * from it what the PEC messages need: the fields to inherit, the subject, the client
 * Message-ID, the requested receipt variant, and postacert.eml.
 */
import { RECEIPT_VARIANTS, type ReceiptVariant } from '../daticert/index.ts';
import {
  decodeWords, headerValue, normalizeCrlf, parseMessage, splice, utf8Encoder,
  type Chunks, type HeaderField, type ParsedMessage,
} from '../mime/index.ts';
import { bracketed } from './ids.ts';

export interface Original {
  /** CRLF-normalized bytes. */
  readonly bytes: Uint8Array;
  readonly parsed: ParsedMessage;
  readonly fields: HeaderField[];
  /** Decoded Subject ('' when absent). */
  readonly subject: string;
  /** Client Message-ID with brackets, when present. */
  readonly clientMsgId: string | undefined;
  /** X-TipoRicevuta of the original; completa when absent or unknown (RFC 6109 §3.3.2.1). */
  readonly receiptVariant: ReceiptVariant;
}

/** Parses an original message (bare LFs become CRLF, as SMTP would carry them). */
export function readOriginal(raw: Uint8Array): Original {
  const bytes = normalizeCrlf(raw);
  const parsed = parseMessage(bytes);
  const fields = parsed.root.headers;
  const mid = headerValue(fields, 'message-id')?.match(/<[^<>\s]+>/)?.[0];
  const tipo = headerValue(fields, 'x-tiporicevuta')?.trim().toLowerCase();
  const variant = (RECEIPT_VARIANTS as readonly string[]).includes(tipo ?? '') ? (tipo as ReceiptVariant) : 'completa';
  return {
    bytes, parsed, fields,
    subject: decodeWords(headerValue(fields, 'subject') ?? ''),
    clientMsgId: mid,
    receiptVariant: variant,
  };
}

/** Raw bytes of the named fields, in their original order (for inheritance, RFC 6109 §2.1.1). */
export function inheritedFields(o: Original, names: readonly string[]): Uint8Array[] {
  const keys = new Set(names.map((n) => n.toLowerCase()));
  return o.fields.filter((f) => keys.has(f.key)).map((f) => o.bytes.subarray(f.start, f.end));
}

/**
 * postacert.eml: the original unmodified except that the client Message-ID is replaced by the
 * PEC msgid and `X-Riferimento-Message-ID` carries the client id (RFC 6109 §2.2.1).
 */
export function postacertOf(o: Original, pecMsgId: string): Chunks {
  const lines = `Message-ID: ${bracketed(pecMsgId)}\r\n` +
    (o.clientMsgId ? `X-Riferimento-Message-ID: ${o.clientMsgId}\r\n` : '');
  const replacement = [utf8Encoder.encode(lines)];
  const existing = o.fields.find((f) => f.key === 'message-id');
  const stale = o.fields.filter((f) => f.key === 'x-riferimento-message-id');
  const edits = stale.map((f) => ({ start: f.start, end: f.end, replacement: [] as Chunks }));
  if (existing) edits.push({ start: existing.start, end: existing.end, replacement });
  else edits.push({ start: 0, end: 0, replacement });
  return splice(o.bytes, edits);
}
