/**
 * Codes thrown (as RecapitoError) by the PKI helpers when their input cannot be used: these are
 * configuration mistakes (a bad PEM file, a key that is not RSA), not findings about a message.
 */
/** PKI codes with a one-line description each. */
export const PKI_ERRORS = {
  PKI_PEM_MALFORMED: 'A PEM block is damaged (bad base64 or missing END line) or no block was found.',
  PKI_CERT_MALFORMED: 'A certificate cannot be parsed as X.509 (RFC 5280 §4.1).',
  PKI_KEY_MALFORMED: 'A private key cannot be read, or it is not an RSA key.',
  PKI_BAD_OPTIONS: 'Options for issuing a certificate are invalid (empty domain list, bad domain, bad validity).',
} as const;

/** One of {@link PKI_ERRORS}. */
export type PkiErrorCode = keyof typeof PKI_ERRORS;
