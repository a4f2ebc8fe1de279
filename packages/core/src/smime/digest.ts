/**
 * Digest and signature algorithms of PEC signatures. Observed providers sign with SHA-1; we
 * sign with SHA-256 by default (docs/decisions/0001) and verify both. Hashing is incremental
 * over the content chunks: a PEC message can reach 30 MB and is never concatenated.
 */
import { createHash } from 'node:crypto';
import type { WebHash } from '../pki/keys.ts';

/** The digests Recapito signs with and accepts. */
export type DigestName = 'sha1' | 'sha256';

/** RFC 5751 §3.4.3.2 `micalg` value of the multipart/signed Content-Type. */
export function micalgFor(digest: DigestName): 'sha1' | 'sha-256' {
  return digest === 'sha1' ? 'sha1' : 'sha-256';
}

/** Digest algorithm OIDs (RFC 3370 §2.1, RFC 5754 §2). */
export const DIGEST_OIDS: Readonly<Record<DigestName, string>> = Object.freeze({
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
});

// Names reported for digests we do not accept, so the verdict can say what was used.
const OTHER_DIGESTS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.5': 'md5',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The supported digest of an OID, or undefined. */
export function digestForOid(oid: string): DigestName | undefined {
  if (oid === DIGEST_OIDS.sha1) return 'sha1';
  if (oid === DIGEST_OIDS.sha256) return 'sha256';
  return undefined;
}

/** A printable name for any digest OID (the OID itself when unknown). */
export function digestNameOfOid(oid: string): string {
  return digestForOid(oid) ?? OTHER_DIGESTS[oid] ?? oid;
}

/** WebCrypto hash name of each supported digest. */
export const WEB_HASH: Readonly<Record<DigestName, WebHash>> = Object.freeze({ sha1: 'SHA-1', sha256: 'SHA-256' });

/** rsaEncryption: the signatureAlgorithm CMS uses for PKCS#1 v1.5 (RFC 3370 §3.2). */
export const RSA_ENCRYPTION_OID = '1.2.840.113549.1.1.1';

// RFC 3370 §3.2 / RFC 5754 §3.2: PKCS#1 v1.5 OIDs that name their hash.
const RSA_WITH_HASH: Readonly<Record<string, WebHash>> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

/**
 * The hash to verify an RSA PKCS#1 v1.5 signature with: the one named by the signature
 * algorithm, or the digest algorithm for plain rsaEncryption. Undefined when the signature
 * algorithm is not RSA PKCS#1 v1.5 (RSA-PSS, ECDSA: not used by PEC providers).
 */
export function rsaHashFor(signatureOid: string, digest: DigestName): WebHash | undefined {
  if (signatureOid === RSA_ENCRYPTION_OID) return WEB_HASH[digest];
  return RSA_WITH_HASH[signatureOid];
}

/** Digest of the concatenation of `chunks`, computed chunk by chunk without concatenating. */
export function hashChunks(chunks: readonly Uint8Array[], digest: DigestName): Uint8Array {
  const h = createHash(digest);
  for (const c of chunks) h.update(c);
  return new Uint8Array(h.digest());
}
