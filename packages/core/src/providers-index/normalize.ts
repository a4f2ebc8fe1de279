/**
 * Normal forms of the values the index compares: certificate hashes, domains, addresses.
 * All comparisons are case-insensitive because the schema gives providerCertificateHash,
 * mailReceipt and managedDomains caseIgnoreIA5Match (RFC 6109 §8.2), and recipients are
 * classified by a case-insensitive domain lookup (RFC 6109 §2.2.1).
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/** SHA-1 of a DER certificate as uppercase hex: the form of providerCertificateHash. */
export function providerCertificateHash(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/**
 * Normal form of a written SHA-1 hash: trimmed, `:` separators removed (as printed by
 * `openssl x509 -fingerprint`), uppercase. `undefined` unless exactly 40 hex digits remain.
 */
export function normalizeCertificateHash(hex: string): string | undefined {
  const h = hex.trim().replaceAll(':', '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(h) ? h : undefined;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Normal form of a domain for lookups: lower case, without a final dot, IDN labels in their
 * ASCII (A-label) form since managedDomains is an IA5String. `undefined` if the result is not a
 * host name of letters, digits and hyphens (labels of 1–63 characters, 253 in all).
 */
export function normalizeDomain(domain: string): string | undefined {
  let d = domain.trim();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d.length === 0 || d.length > 253 * 4) return undefined;
  // Non-ASCII only through IDNA, so that a Unicode form and its A-label meet in one key.
  // eslint-disable-next-line no-control-regex
  d = /^[\x00-\x7f]*$/.test(d) ? d.toLowerCase() : domainToASCII(d);
  if (d.length === 0 || d.length > 253) return undefined;
  return d.split('.').every((l) => LABEL.test(l)) ? d : undefined;
}

/** The domain part of an address (after the last `@`), normalized; `undefined` if none. */
export function addressDomain(address: string): string | undefined {
  let a = address.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1);
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return undefined;
  return normalizeDomain(a.slice(at + 1));
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** True for a plain addr-spec with a dot-atom local part and a host-name domain, which is
 * what mailReceipt must hold (RFC 6109 §8.2). */
export function isServiceMailbox(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at > 64) return false;
  return DOT_ATOM.test(address.slice(0, at)) && normalizeDomain(address.slice(at + 1)) !== undefined
    && !address.slice(at + 1).endsWith('.');
}

/**
 * Cheap sanity check that bytes are one DER SEQUENCE filling the whole buffer, as every X.509
 * certificate is. Catches truncated or concatenated values without a full ASN.1 parse.
 */
export function looksLikeDerSequence(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x30) return false;
  const first = bytes[1] ?? 0;
  if (first < 0x80) return 2 + first === bytes.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || bytes.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (bytes[2 + i] ?? 0);
  return 2 + n + len === bytes.length;
}

/** Byte equality of two buffers. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
