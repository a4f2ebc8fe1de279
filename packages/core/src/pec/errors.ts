/**
 * Codes of the PEC layer: findings of the classifier (returned as problems) and failures of the
 * builders (thrown). Documented in docs/errors.md.
 */
export const PEC_ERRORS = {
  SIGNATURE_ABSENT: 'The message is not S/MIME signed (no multipart/signed), so it cannot be PEC.',
  FROM_SIGNER_MISMATCH: "The From address is not the e-mail of the signer's certificate (RFC 6109 §2.1).",
  CERT_NOT_IN_INDEX: "The signer certificate is not a provider's certificate in the providers' index.",
  SIGNER_DOMAIN_NOT_MANAGED: "The signer's domain is not among the domains its index record manages (RFC 6109 §7).",
  PEC_LAYOUT: 'The signed content is not the multipart/mixed a PEC message must be.',
  DATICERT_MISSING: 'No daticert.xml part in a message type that must carry one.',
  DATICERT_UNEXPECTED: 'A daticert.xml part in an anomaly envelope, which carries none.',
  DATICERT_TYPE_MISMATCH: 'X-Ricevuta / X-Trasporto disagree with the signed daticert.xml tipo.',
  POSTACERT_MISSING: 'The original (postacert.eml) is missing where the rules require it.',
  POSTACERT_UNEXPECTED: 'The original (postacert.eml) is attached where the rules forbid it.',
  REFERENCE_MISMATCH: 'X-Riferimento-Message-ID differs from the daticert.xml msgid.',
  PEC_MSGID_MISMATCH: 'The envelope Message-ID differs from the daticert.xml identificativo.',
  SUBJECT_PREFIX_MISMATCH: 'The subject lacks the prefix of its message type.',
  BUILD_BAD_ERROR: 'pec build: the --error value does not fit the kind.',
  BUILD_BAD_KIND: 'pec build: the kind cannot be built by a provider.',
} as const;

export type PecErrorCode = keyof typeof PEC_ERRORS;
