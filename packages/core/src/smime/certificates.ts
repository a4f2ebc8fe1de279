/**
 * Parsed certificates shared across signatures. A provider signs every message with the same
 * leaf and intermediate, and parsing a certificate with pkijs and @peculiar/x509 costs far more
 * than the RSA check it serves, so each distinct certificate is parsed once. Entries are keyed
 * by the SHA-256 of the exact DER and the stored bytes are compared on every hit: a certificate
 * differing by one byte is another entry, never a hit. The cache is a bounded LRU.
 *
 * The parsed objects are shared and must be treated as read-only; the DER handed to callers is
 * always their own copy, never the cache's.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as x509 from '@peculiar/x509';
import { importVerifyKey, type WebHash } from '../pki/keys.ts';
import { DECODE_LIMITS } from './limits.ts';
import { LruCache } from './lru.ts';

/** A certificate as received (exact DER, for hashing) and parsed by both libraries. */
export interface CertEntry {
  /** The certificate bytes as received. */
  readonly der: Uint8Array;
  /** Base64 SHA-256 of `der`: names this exact certificate in cache keys. */
  readonly id: string;
  /** Shared, read-only. */
  readonly cert: pkijs.Certificate;
  /** Shared, read-only. */
  readonly x509: x509.X509Certificate;
}

interface Parsed {
  /** A private copy: the parsed objects hold views into it, so nobody else may write it. */
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
  readonly x509: x509.X509Certificate;
  /** SubjectPublicKeyInfo DER, and verification keys imported from it, by hash. */
  spki?: Uint8Array;
  readonly keys: Map<WebHash, Promise<CryptoKey>>;
}

/** Distinct certificates kept parsed: a provider sees a few hundred CAs and providers at most. */
export const CERTIFICATE_CACHE_SIZE = 256;

/** The parsed certificates, by base64 SHA-256 of their DER (exported for tests). */
export const certificateCache = new LruCache<string, Parsed>(CERTIFICATE_CACHE_SIZE);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

/** Parses `der` (a private copy); `shareable` is false when the parse must not be reused. */
function parse(der: Uint8Array): { parsed: Parsed; shareable: boolean } {
  // The same bounded decoder as for whole signatures: a certificate is never allowed more.
  const asn = asn1js.fromBER(der, DECODE_LIMITS);
  if (asn.offset === -1) throw new Error(`not valid ASN.1: ${asn.result.error || 'decoding failed'}`);
  const cert = new pkijs.Certificate({ schema: asn.result });
  const probe = new x509.X509Certificate(der);
  try {
    void probe.extensions;
    return { parsed: { der, cert, x509: probe, keys: new Map() }, shareable: true };
  } catch {
    // @peculiar/x509 reads extensions on first use and, after failing once, reports none: a
    // shared object would then pass checks it failed before. Such a certificate gets a fresh,
    // untouched object on every use, so that it fails the same way each time.
    return { parsed: { der, cert, x509: new x509.X509Certificate(der), keys: new Map() }, shareable: false };
  }
}

function lookup(der: Uint8Array, id: string): Parsed {
  const cached = certificateCache.get(id);
  if (cached && sameBytes(cached.der, der)) return cached;
  const { parsed, shareable } = parse(new Uint8Array(der));
  if (shareable) certificateCache.set(id, parsed);
  return parsed;
}

/**
 * Parses DER into a {@link CertEntry}, reusing the parse of identical bytes; `der` is kept as
 * the entry's bytes and should not be written afterwards.
 * @throws Error when the bytes are not a certificate (failures are not cached).
 */
export function certEntry(der: Uint8Array): CertEntry {
  const id = createHash('sha256').update(der).digest('base64');
  const parsed = lookup(der, id);
  return { der, id, cert: parsed.cert, x509: parsed.x509 };
}

/** The cache record behind `e`, if it is still cached (an evicted one is not brought back). */
function recordOf(e: CertEntry): Parsed | undefined {
  const p = certificateCache.get(e.id);
  return p && p.x509 === e.x509 ? p : undefined;
}

/** The certificate's SubjectPublicKeyInfo DER (shared, read-only). */
export function spkiOf(e: CertEntry): Uint8Array {
  const p = recordOf(e);
  if (!p) return new Uint8Array(e.x509.publicKey.rawData);
  p.spki ??= new Uint8Array(p.x509.publicKey.rawData);
  return p.spki;
}

/**
 * The certificate's key imported for RSASSA-PKCS1-v1_5 verification with `hash`, imported once
 * per certificate and hash while the certificate stays cached. A failed import is not kept.
 */
export function verifyKeyOf(e: CertEntry, hash: WebHash): Promise<CryptoKey> {
  const p = recordOf(e);
  if (!p) return importVerifyKey(spkiOf(e), hash);
  let key = p.keys.get(hash);
  if (!key) {
    key = importVerifyKey(spkiOf(e), hash);
    p.keys.set(hash, key);
    key.catch(() => p.keys.delete(hash));
  }
  return key;
}
