// WebCrypto key types as globals (Node's globalThis.crypto); the project's lib has no DOM.
import type { webcrypto } from 'node:crypto';

declare global {
  type CryptoKey = webcrypto.CryptoKey;
  type CryptoKeyPair = webcrypto.CryptoKeyPair;
}
