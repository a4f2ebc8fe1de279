/**
 * Bounds on what a {@link MessageView} does with one stored message. The core MIME limits
 * (`@recapito/core` MimeLimits) refuse a message when exceeded; an IMAP server must still serve
 * every stored message, so here the same dimensions degrade instead: parts past the depth, count
 * or scan limit are reported as application/octet-stream, and a header block past its limits is
 * served byte for byte but yields no fields (no envelope data, no HEADER.FIELDS matches).
 */
import type { MimeLimits } from '@recapito/core';

export interface MessageLimits extends MimeLimits {
  /** Decoded text of one message that SEARCH BODY/TEXT looks at (RFC 3501 §6.4.4 leaves the
   * depth of a search to the server); text after it is not searched. */
  maxSearchTextBytes: number;
  /** Octets the multipart splitter may scan in all, as `scanAllowanceBytes + scanRatio ×
   * message size`. Each multipart scans its whole body for its delimiters, so nested levels
   * rescan the same bytes: without a bound, 64 levels around a 300 MB attachment cost 64 full
   * scans. Honest mail (PEC: signed → mixed → rfc822 → signed → mixed) stays far below it. */
  scanRatio: number;
  scanAllowanceBytes: number;
}

export const DEFAULT_MESSAGE_LIMITS: Readonly<MessageLimits> = Object.freeze({
  // Nesting of multiparts and embedded messages, as in the core: PEC needs about 6.
  maxDepth: 64,
  // Entities in one message; Dovecot stops splitting at 10,000 as well (CVE-2020-12100).
  maxParts: 10_000,
  // Far above RFC 5322 §2.1.1 (998 octets a line): long folded or broken fields are still read,
  // since the envelope of a stored message must not vanish because of one odd field.
  maxHeaderFieldBytes: 8 * 1024 * 1024,
  maxHeaderBlockBytes: 16 * 1024 * 1024,
  maxHeaderFields: 10_000,
  maxSearchTextBytes: 16 * 1024 * 1024,
  scanRatio: 8,
  scanAllowanceBytes: 64 * 1024 * 1024,
});

/** Defaults overridden by the given values. */
export function messageLimits(overrides: Partial<MessageLimits> = {}): MessageLimits {
  return { ...DEFAULT_MESSAGE_LIMITS, ...overrides };
}
