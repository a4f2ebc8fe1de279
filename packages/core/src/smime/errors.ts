/**
 * Codes of the S/MIME layer. Verification never throws: each finding is a Problem with one of
 * these codes (documented in docs/errors.md). Signing throws RecapitoError with them.
 */
import type { Problem } from '../errors.ts';

/** S/MIME codes with a one-line description each. */
export const SMIME_ERRORS = {
  SIGNATURE_MALFORMED: 'The signature is not a parseable CMS SignedData (RFC 5652 §5), is too large, or has no signer.',
  SIGNER_CERT_MISSING: 'The certificate of the signer is not among the certificates carried in the signature.',
  SIGNATURE_DIGEST_MISMATCH: 'The content does not match the signed messageDigest: the content was changed after signing.',
  SIGNATURE_INVALID: 'The signature over the signed attributes does not verify with the signer certificate key.',
  CERT_EXPIRED: 'A certificate of the chain had expired at the verification time.',
  CERT_NOT_YET_VALID: 'A certificate of the chain was not yet valid at the verification time.',
  CERT_CHAIN_UNTRUSTED: 'No valid chain leads from the signer certificate to a trust anchor.',
  CERT_NAME_CONSTRAINTS: 'A certificate names an e-mail, subject or address outside the name constraints of a CA above it.',
  CERT_KEY_USAGE: 'The signer certificate key usage or extended key usage does not allow signing e-mail.',
  DIGEST_UNSUPPORTED: 'The digest algorithm is neither SHA-1 nor SHA-256.',
  SIGNER_UNKNOWN: 'Signing was asked of an object that loadSigner did not create.',
  SIGNING_TIME_INVALID: 'The signing time given to the signer is not a valid date.',
} as const;

/** One of {@link SMIME_ERRORS}. */
export type SmimeErrorCode = keyof typeof SMIME_ERRORS;

/** A problem with an S/MIME code and a specific message. */
export function smimeProblem(code: SmimeErrorCode, message: string): Problem {
  return { code, message };
}
