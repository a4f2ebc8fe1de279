/**
 * Bounds on MIME parsing. Every parser in Recapito faces hostile input (anything can arrive on
 * port 25), so each dimension that could grow without bound has a cap here, with a reason.
 */
export interface MimeLimits {
  /** Nesting depth of multiparts and embedded messages. PEC needs about 6 (signed → mixed →
   * rfc822 → signed → mixed → alternative); 64 leaves room for honest mail, refuses bombs. */
  maxDepth: number;
  /** Total body parts in one message; a real PEC message has a handful, office mail dozens. */
  maxParts: number;
  /** One header field, folded lines included. RFC 5322 §2.1.1 caps lines at 998 octets; long
   * folded fields (References, DKIM) stay well under 64 KiB. */
  maxHeaderFieldBytes: number;
  /** One whole header block. */
  maxHeaderBlockBytes: number;
  /** Fields in one header block. */
  maxHeaderFields: number;
}

export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxDepth: 64,
  maxParts: 5000,
  maxHeaderFieldBytes: 64 * 1024,
  maxHeaderBlockBytes: 512 * 1024,
  maxHeaderFields: 2000,
});
