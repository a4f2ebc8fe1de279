/**
 * RSA keys for the PKI and the signer. PEC signatures are RSA PKCS#1 v1.5 (RFC 6109 §5.5
 * profile as observed: RSA 2048; RFC 5751 §2.2 lists RSA PKCS#1 v1.5 as the signature every
 * S/MIME agent must verify). Keys travel as PKCS#8 PEM (RFC 5958); legacy PKCS#1
 * "RSA PRIVATE KEY" files are accepted on input.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { RecapitoError } from '../errors.ts';
import { derToPem } from './pem.ts';

/** WebCrypto hash names used with RSASSA-PKCS1-v1_5. */
export type WebHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const RSA_GEN = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** A fresh RSA-2048 key pair (extractable: the PKI hands the private key out as PEM). */
export async function generateRsaKeyPair(): Promise<CryptoKeyPair> {
  return (await globalThis.crypto.subtle.generateKey(RSA_GEN, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Exports a private CryptoKey as PKCS#8 PEM. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await globalThis.crypto.subtle.exportKey('pkcs8', key);
  return derToPem(new Uint8Array(der), 'PRIVATE KEY');
}

/** A private key read from PEM: its PKCS#8 DER and the DER SubjectPublicKeyInfo of its public half. */
export interface RsaKeyMaterial {
  readonly pkcs8: Uint8Array;
  readonly spki: Uint8Array;
}

/**
 * Reads an RSA private key (PKCS#8 or PKCS#1 PEM).
 * @throws RecapitoError `PKI_KEY_MALFORMED` when unreadable, encrypted or not RSA.
 */
export function readRsaPrivateKey(pem: string): RsaKeyMaterial {
  let key;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new RecapitoError('PKI_KEY_MALFORMED', `cannot read the private key: ${(err as Error).message}`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new RecapitoError('PKI_KEY_MALFORMED', `the private key is ${key.asymmetricKeyType ?? 'unknown'}, PEC signatures need RSA`);
  }
  return {
    pkcs8: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
    spki: new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })),
  };
}

/** Imports PKCS#8 DER as a non-extractable RSASSA-PKCS1-v1_5 signing key bound to `hash`. */
export async function importSigningKey(pkcs8: Uint8Array, hash: WebHash): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
}

/** Imports SubjectPublicKeyInfo DER as an RSASSA-PKCS1-v1_5 verification key bound to `hash`. */
export async function importVerifyKey(spki: Uint8Array, hash: WebHash): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, true, ['verify']);
}
