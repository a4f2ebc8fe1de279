/**
 * Codes of the MIME layer (thrown as RecapitoError when parsing cannot go on, or returned as
 * problems when the message is readable but defective). Documented in docs/errors.md.
 */
export const MIME_ERRORS = {
  MIME_EMPTY: 'The message is empty.',
  MIME_HEADER_TOO_LONG: 'A header field or header block exceeds the size limit.',
  MIME_TOO_MANY_HEADERS: 'A header block has more fields than allowed.',
  MIME_BAD_HEADER: 'A header line is neither a field ("Name: value") nor a continuation.',
  MIME_TOO_DEEP: 'Multiparts or embedded messages are nested deeper than allowed.',
  MIME_TOO_MANY_PARTS: 'The message has more body parts than allowed.',
  MIME_NO_BOUNDARY: 'A multipart has no boundary parameter.',
  MIME_NO_PARTS: 'A multipart body contains no delimiter line of its boundary.',
  MIME_TRUNCATED: 'A multipart lacks its closing delimiter: the message is truncated.',
  MIME_BAD_BASE64: 'A base64 body contains characters or padding outside RFC 2045 §6.8.',
  MIME_BAD_ENCODING: 'Unknown Content-Transfer-Encoding.',
} as const;

export type MimeErrorCode = keyof typeof MIME_ERRORS;
