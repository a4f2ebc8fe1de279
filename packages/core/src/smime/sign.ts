/**
 * Detached CMS SignedData signing (RFC 5652 §5, RFC 5751 §3.4.3) the way PEC providers sign
 * (digest §2.0): eContentType id-data without eContent, signed attributes contentType,
 * signingTime, messageDigest and sMIMECapabilities, certificates = leaf + intermediates (not
 * the root), RSA PKCS#1 v1.5. The content arrives as chunks and is hashed incrementally; only
 * the DER signed attributes go through the private key.
 */
import * as pkijs from 'pkijs';
import { RecapitoError } from '../errors.ts';
import { certificateInfo, pemToDerList, type CertificateInfo } from '../pki/pem.ts';
import { importSigningKey, readRsaPrivateKey } from '../pki/keys.ts';
import { buildSignedAttributes } from './attributes.ts';
import { DIGEST_OIDS, WEB_HASH, hashChunks, type DigestName } from './digest.ts';
import { encodeSignedData, signedDataTemplate, type SignedDataTemplate } from './signed-data.ts';

/** A provider's signing identity, made by {@link loadSigner}. */
export interface Signer {
  /** DER certificates put in every signature: the leaf first, then intermediates. */
  readonly chainDer: readonly Uint8Array[];
  /** The leaf (signing) certificate: its e-mail must be the `From:` of signed messages. */
  readonly certificate: CertificateInfo;
}

interface SignerState {
  readonly template: SignedDataTemplate;
  readonly keys: ReadonlyMap<DigestName, CryptoKey>;
}

// Key material stays out of the public object: a Signer can be logged or inspected safely.
const internals = new WeakMap<Signer, SignerState>();

/** Input of {@link loadSigner}. */
export interface SignerSource {
  /** PEM certificates, leaf first, then intermediates (`provider.pem`). */
  chainPem: string;
  /** The leaf's private key, PKCS#8 (or PKCS#1) PEM. */
  privateKeyPem: string;
}

/**
 * Loads a signer. The key is imported once per digest (WebCrypto binds the hash to the key)
 * and kept non-extractable. The key is not checked against the leaf: a mismatch yields
 * signatures that verifiers report as SIGNATURE_INVALID.
 * @throws RecapitoError `PKI_PEM_MALFORMED`, `PKI_CERT_MALFORMED` or `PKI_KEY_MALFORMED`.
 */
export async function loadSigner(source: SignerSource): Promise<Signer> {
  const chainDer = pemToDerList(source.chainPem, 'CERTIFICATE');
  const certificate = certificateInfo(chainDer[0]!);
  // Every certificate of the chain must parse, though only the leaf is needed after this.
  const certificates = chainDer.map((der) => pkijs.Certificate.fromBER(der));
  const template = signedDataTemplate(chainDer, certificates[0]!);
  const { pkcs8 } = readRsaPrivateKey(source.privateKeyPem);
  const keys = new Map<DigestName, CryptoKey>();
  for (const d of Object.keys(WEB_HASH) as DigestName[]) keys.set(d, await importSigningKey(pkcs8, WEB_HASH[d]));
  pkcs8.fill(0);
  const signer: Signer = Object.freeze({ chainDer: Object.freeze([...chainDer]), certificate });
  internals.set(signer, { template, keys });
  return signer;
}

/** Options of {@link signDetached}. */
export interface SignOptions {
  digest: DigestName;
  /** The signingTime attribute: the transaction's legal time (DM 2/11/2005 art. 9). */
  signingTime: Date;
}

/**
 * Signs `content` (the concatenation of the chunks, which is never built) and returns the DER
 * ContentInfo of a detached SignedData, ready to be base64-encoded as smime.p7s.
 * @throws RecapitoError `DIGEST_UNSUPPORTED` or `SIGNER_UNKNOWN`.
 */
export async function signDetached(content: readonly Uint8Array[], signer: Signer, opts: SignOptions): Promise<Uint8Array> {
  const state = internals.get(signer);
  if (!state) throw new RecapitoError('SIGNER_UNKNOWN', 'the signer was not created by loadSigner');
  const digestOid = DIGEST_OIDS[opts.digest];
  const key = state.keys.get(opts.digest);
  if (!digestOid || !key) throw new RecapitoError('DIGEST_UNSUPPORTED', `cannot sign with digest "${String(opts.digest)}"`);
  if (Number.isNaN(opts.signingTime.getTime())) throw new RecapitoError('SIGNING_TIME_INVALID', 'the signing time is not a valid date');

  const attrs = buildSignedAttributes(hashChunks(content, opts.digest), opts.signingTime);
  const signature = await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, attrs.der);
  return encodeSignedData(state.template, opts.digest, attrs.attributes, new Uint8Array(signature));
}
