/**
 * Codes thrown (as RecapitoError) by the daticert.xml reader and writer, with one-line
 * descriptions for docs/errors.md and the CLI. The codes are stable: callers map them to
 * anomaly envelopes and problem reports, so never rename one.
 */
import { RecapitoError } from '../errors.ts';

/** Every code the daticert reader and writer throw, with a one-line description. */
export const DATICERT_ERRORS = {
  DATICERT_EMPTY: 'The input is empty or only whitespace: there is no document.',
  DATICERT_TOO_LARGE: 'The document exceeds the size limit (1 MiB by default).',
  DATICERT_TOO_DEEP: 'Elements are nested deeper than the limit.',
  DATICERT_TOO_MANY_ELEMENTS: 'The document has more elements than the limit.',
  DATICERT_ENCODING: 'The bytes are not UTF-8, or the XML declaration names another encoding or XML version.',
  DATICERT_MALFORMED: 'The document is not well-formed XML (syntax error, truncation, undefined entity, bad character).',
  DATICERT_FORBIDDEN_DTD: 'The document has a DOCTYPE: DTDs and entity declarations are never processed.',
  DATICERT_FORBIDDEN_PI: 'The document has a processing instruction other than the XML declaration.',
  DATICERT_INVALID: 'The document or model breaks the daticert DTD: unknown, missing or misplaced element or attribute, value outside an enumeration, empty required value.',
  DATICERT_BAD_TIME: 'giorno, ora or zona is not dd/mm/yyyy, hh:mm:ss, [+-]hhmm, or is not a real date or time.',
  DATICERT_INVALID_CHAR: 'A value contains a character XML 1.0 cannot carry (control character, lone surrogate, U+FFFE/U+FFFF).',
} as const;

/** A code of {@link DATICERT_ERRORS}. */
export type DaticertErrorCode = keyof typeof DATICERT_ERRORS;

/** Builds the RecapitoError for a daticert code; messages start with `daticert.xml:`. */
export function daticertError(code: DaticertErrorCode, message: string, cause?: unknown): RecapitoError {
  return new RecapitoError(code, `daticert.xml: ${message}`, cause === undefined ? undefined : { cause });
}
