/**
 * The DER of a detached SignedData (RFC 5652 §5.1) as Recapito signs it, assembled from parts
 * encoded once: per signer the certificates and the signer identifier, per digest the algorithm
 * identifiers. Only the signed attributes that change and the signature are new per message.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CMS_OIDS } from './attributes.ts';
import { constructed, encode, TAG, TAG_CLASS } from './der.ts';
import { DIGEST_OIDS, RSA_ENCRYPTION_OID, type DigestName } from './digest.ts';

/** What a signer puts in every SignedData, encoded once by {@link signedDataTemplate}. */
export interface SignedDataTemplate {
  /** `[0] IMPLICIT CertificateSet`: the chain exactly as loaded, leaf first. */
  readonly certificates: Uint8Array;
  /** IssuerAndSerialNumber of the leaf (RFC 5652 §5.3, SignerInfo version 1). */
  readonly sid: Uint8Array;
}

const { universal, context } = TAG_CLASS;
const VERSION_1 = encode(new asn1js.Integer({ value: 1 }));
// RFC 5754 §2: SHA-1 and SHA-2 AlgorithmIdentifiers omit the parameters.
const DIGEST_ALGORITHM: Readonly<Record<DigestName, Uint8Array>> = {
  sha1: encode(new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS.sha1 })),
  sha256: encode(new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS.sha256 })),
};
// RFC 3370 §3.2: rsaEncryption with NULL parameters, as observed providers (and OpenSSL) emit.
const SIGNATURE_ALGORITHM = encode(new pkijs.AlgorithmIdentifier({ algorithmId: RSA_ENCRYPTION_OID, algorithmParams: new asn1js.Null() }));
// Detached: eContentType id-data without eContent.
const ENCAP_CONTENT_INFO = encode(new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OIDS.data }));
const SIGNED_DATA_TYPE = encode(new asn1js.ObjectIdentifier({ value: CMS_OIDS.signedData }));

/**
 * Encodes the parts of a signer's SignedData that never change.
 * @param chainDer the chain, leaf first; `leaf` is the leaf already parsed.
 */
export function signedDataTemplate(chainDer: readonly Uint8Array[], leaf: pkijs.Certificate): SignedDataTemplate {
  return {
    // Copied into one buffer now: later writes to the caller's arrays cannot reach signatures.
    certificates: constructed(context, 0, chainDer),
    sid: encode(new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber })),
  };
}

/**
 * DER ContentInfo of a detached SignedData with one SignerInfo.
 * @param attributes the DER of each signed attribute, in SET OF order.
 * @param signature the signature over those attributes encoded as a SET OF.
 */
export function encodeSignedData(
  template: SignedDataTemplate, digest: DigestName, attributes: readonly Uint8Array[], signature: Uint8Array,
): Uint8Array {
  const digestAlgorithm = DIGEST_ALGORITHM[digest];
  const signerInfo = constructed(universal, TAG.sequence, [
    VERSION_1, // RFC 5652 §5.3: version 1 with issuerAndSerialNumber
    template.sid,
    digestAlgorithm,
    constructed(context, 0, attributes), // signedAttrs, [0] IMPLICIT SET OF Attribute
    SIGNATURE_ALGORITHM,
    encode(new asn1js.OctetString({ valueHex: signature })),
  ]);
  const signedData = constructed(universal, TAG.sequence, [
    VERSION_1, // §5.1: no attribute certificates, id-data, version 1 SignerInfo
    constructed(universal, TAG.set, [digestAlgorithm]),
    ENCAP_CONTENT_INFO,
    template.certificates,
    constructed(universal, TAG.set, [signerInfo]),
  ]);
  return constructed(universal, TAG.sequence, [SIGNED_DATA_TYPE, constructed(context, 0, [signedData])]);
}
