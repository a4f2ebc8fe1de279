import { RecapitoError } from '../errors.ts';

/**
 * Codes of the providers' index. `LDIF_*` are thrown (as {@link LdifError}) when an LDIF file
 * cannot be read at all; `PROVIDERS_INDEX_*` are returned as problems about single records,
 * which are then skipped; `PROVIDERS_FILE_INVALID` is thrown by the JSON file form.
 */
export const PROVIDERS_INDEX_ERRORS = {
  LDIF_TOO_LARGE: 'The LDIF content exceeds the size limit.',
  LDIF_LINE_TOO_LONG: 'A line (after unfolding) exceeds the length limit.',
  LDIF_TOO_MANY_RECORDS: 'The LDIF content has more records than allowed.',
  LDIF_TOO_MANY_VALUES: 'A record, or the whole content, has more attribute values than allowed.',
  LDIF_BAD_ENCODING: 'The LDIF content is not valid UTF-8.',
  LDIF_BAD_VERSION: 'The version line is not "version: 1" (RFC 2849).',
  LDIF_MALFORMED: 'A line breaks the LDIF grammar of RFC 2849.',
  LDIF_BAD_BASE64: 'A base64 value ("attr:: ...") is not valid base64.',
  LDIF_URL_VALUE: 'A value given by URL ("attr:< ...") was refused: the parser reads no files or URLs.',
  LDIF_CHANGE_RECORD: 'A change record (changetype/control) was found; only content records are accepted.',
  PROVIDERS_INDEX_MISSING_ATTRIBUTE: 'A provider record lacks a MUST attribute (RFC 6109 §8.2).',
  PROVIDERS_INDEX_HASH_MISMATCH: 'The SHA-1 of the certificates does not match providerCertificateHash.',
  PROVIDERS_INDEX_BAD_VALUE: 'An attribute value of a provider record is malformed or repeated.',
  PROVIDERS_INDEX_DUPLICATE_RECORD: 'Two records describe the same provider environment.',
  PROVIDERS_INDEX_DUPLICATE_DOMAIN: 'A domain is listed in managedDomains of more than one record.',
  PROVIDERS_INDEX_NOT_A_PROVIDER: 'An entry is neither the base entry nor of objectClass provider.',
  PROVIDERS_FILE_INVALID: 'The JSON providers file is invalid.',
} as const;

/** A code of {@link PROVIDERS_INDEX_ERRORS}. */
export type ProvidersIndexErrorCode = keyof typeof PROVIDERS_INDEX_ERRORS;

/** Thrown when LDIF content cannot be parsed; `line` is the 1-based physical line, if known. */
export class LdifError extends RecapitoError {
  readonly line: number | undefined;
  constructor(code: ProvidersIndexErrorCode, detail: string, line?: number) {
    super(code, line === undefined ? `LDIF: ${detail}` : `LDIF line ${line}: ${detail}`);
    this.name = 'LdifError';
    this.line = line;
  }
}
