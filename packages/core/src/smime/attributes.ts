/**
 * Signed attributes of a PEC signature (RFC 5652 §5.3, §11; RFC 5751 §2.5): contentType,
 * signingTime, messageDigest and sMIMECapabilities, as every observed provider sends them.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { RecapitoError } from '../errors.ts';
import { constructed, encode, TAG, TAG_CLASS } from './der.ts';

/** Content types and attribute types of RFC 5652 (§4, §5, §11) and RFC 5751 §2.5.2. */
export const CMS_OIDS = Object.freeze({
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
});

// RFC 5751 §2.5.2: capabilities announce what we can decrypt, strongest first. PEC never
// encrypts, but real provider signatures carry the attribute, so ours does too.
const CAPABILITIES = [
  '2.16.840.1.101.3.4.1.42', // aes256-CBC
  '2.16.840.1.101.3.4.1.22', // aes192-CBC
  '2.16.840.1.101.3.4.1.2', // aes128-CBC
  '1.2.840.113549.3.7', // des-ede3-cbc
];

function timeValue(at: Date): asn1js.BaseBlock {
  // Whole seconds: DER time values carry no fraction here, and signer and verifier must agree.
  const d = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const year = d.getUTCFullYear();
  // RFC 5652 §11.3: UTCTime from 1950 to 2049, GeneralizedTime otherwise.
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: d }) : new asn1js.GeneralizedTime({ valueDate: d });
}

function attribute(type: string, value: asn1js.BaseBlock): Uint8Array {
  return encode(new pkijs.Attribute({ type, values: [value] }));
}

// The attributes that are the same in every signature, encoded once.
const CONTENT_TYPE = attribute(CMS_OIDS.contentType, new asn1js.ObjectIdentifier({ value: CMS_OIDS.data }));
const SMIME_CAPABILITIES = attribute(CMS_OIDS.smimeCapabilities, new asn1js.Sequence({
  value: CAPABILITIES.map((oid) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] })),
}));

/** Signed attributes ready for a SignerInfo, and the DER those attributes are signed as. */
export interface BuiltAttributes {
  /** DER of each Attribute, in DER SET OF order. */
  readonly attributes: readonly Uint8Array[];
  /** DER of `SET OF Attribute` (tag 0x31): the bytes the signature covers (RFC 5652 §5.4). */
  readonly der: Uint8Array;
}

/** Builds the signed attributes for a detached id-data signature. */
export function buildSignedAttributes(messageDigest: Uint8Array, signingTime: Date): BuiltAttributes {
  const attributes = [
    CONTENT_TYPE,
    attribute(CMS_OIDS.signingTime, timeValue(signingTime)),
    attribute(CMS_OIDS.messageDigest, new asn1js.OctetString({ valueHex: messageDigest })),
    SMIME_CAPABILITIES,
  ];
  // SET OF in DER is sorted by the elements' encodings (X.690 §11.6). Verifiers such as OpenSSL
  // re-encode the attributes before checking the signature, so an unsorted set would not verify.
  attributes.sort(Buffer.compare);
  return { attributes, der: constructed(TAG_CLASS.universal, TAG.set, attributes) };
}

/** The values of the signed attributes that verification needs. */
export interface SignedAttributeValues {
  readonly contentType: string;
  readonly messageDigest: Uint8Array;
  readonly signingTime?: Date;
}

function single(attrs: readonly pkijs.Attribute[], oid: string, name: string): asn1js.BaseBlock | undefined {
  const found = attrs.filter((a) => a.type === oid);
  if (found.length === 0) return undefined;
  // RFC 5652 §11.1–11.3: these attributes appear at most once, with exactly one value.
  if (found.length > 1 || found[0]!.values.length !== 1) {
    throw new RecapitoError('SIGNATURE_MALFORMED', `the ${name} signed attribute must appear once with one value`);
  }
  return found[0]!.values[0] as asn1js.BaseBlock;
}

/**
 * Reads contentType, messageDigest and signingTime from signed attributes.
 * @throws RecapitoError `SIGNATURE_MALFORMED` when a mandatory one is missing or malformed.
 */
export function readSignedAttributes(attrs: readonly pkijs.Attribute[]): SignedAttributeValues {
  const ct = single(attrs, CMS_OIDS.contentType, 'contentType');
  const md = single(attrs, CMS_OIDS.messageDigest, 'messageDigest');
  const st = single(attrs, CMS_OIDS.signingTime, 'signingTime');
  // RFC 5652 §5.3: contentType and messageDigest are mandatory when signed attributes exist.
  if (!(ct instanceof asn1js.ObjectIdentifier)) {
    throw new RecapitoError('SIGNATURE_MALFORMED', 'the contentType signed attribute is missing or not an OID');
  }
  if (!(md instanceof asn1js.OctetString)) {
    throw new RecapitoError('SIGNATURE_MALFORMED', 'the messageDigest signed attribute is missing or not an OCTET STRING');
  }
  let signingTime: Date | undefined;
  if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) signingTime = st.toDate();
  else if (st !== undefined) throw new RecapitoError('SIGNATURE_MALFORMED', 'the signingTime signed attribute is not a time');
  return {
    contentType: ct.getValue(),
    messageDigest: new Uint8Array(md.getValue()),
    ...(signingTime && !Number.isNaN(signingTime.getTime()) ? { signingTime } : {}),
  };
}
