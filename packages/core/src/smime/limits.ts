/** Bounds applied to signatures, and to the certificates in them, before and while decoding. */

/** Bounds on signatures accepted for verification. */
export const SMIME_LIMITS = Object.freeze({
  /** A PEC smime.p7s (two certificates, one signer) is about 4 KiB; 1 MiB leaves room for CRLs. */
  maxSignatureBytes: 1024 * 1024,
  /** Certificates carried in one signature (real ones carry 2). */
  maxCertificates: 32,
  /** ASN.1 nesting: a certificate inside CMS reaches about 20 levels. */
  maxAsn1Depth: 64,
  /** ASN.1 elements in the whole signature. */
  maxAsn1Nodes: 50_000,
});

/** asn1js decoding options enforcing {@link SMIME_LIMITS}. */
export const DECODE_LIMITS = Object.freeze({
  maxDepth: SMIME_LIMITS.maxAsn1Depth,
  maxNodes: SMIME_LIMITS.maxAsn1Nodes,
  maxContentLength: SMIME_LIMITS.maxSignatureBytes,
  // Contents of OCTET and BIT STRINGs are decoded only where a parser asks for them.
  parseEmbedded: false,
});
