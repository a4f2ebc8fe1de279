/**
 * Bounded parsing of a CMS SignedData (RFC 5652 §3, §5) received from anyone: size is checked
 * before parsing, and the ASN.1 decoder runs with caps on depth and node count, so a blob of
 * garbage or a nesting bomb costs little and ends as SIGNATURE_MALFORMED.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as x509 from '@peculiar/x509';
import { RecapitoError } from '../errors.ts';
import { CMS_OIDS } from './attributes.ts';
import { certEntry, type CertEntry } from './certificates.ts';
import { DECODE_LIMITS, SMIME_LIMITS } from './limits.ts';

export type { CertEntry } from './certificates.ts';

/** The parts of a signature that verification uses. */
export interface ParsedSignature {
  readonly eContentType: string;
  /** The first SignerInfo: PEC signatures have exactly one signer. */
  readonly signerInfo: pkijs.SignerInfo;
  readonly certificates: readonly CertEntry[];
}

function malformed(message: string): RecapitoError {
  return new RecapitoError('SIGNATURE_MALFORMED', message);
}

function isContext(block: asn1js.BaseBlock, tag: number): boolean {
  return block.idBlock.tagClass === 3 && block.idBlock.tagNumber === tag;
}

/** A plain Certificate among the CertificateChoices: a universal SEQUENCE. */
function isPlainCertificate(block: asn1js.BaseBlock): boolean {
  return block.idBlock.tagClass === 1 && block.idBlock.tagNumber === 16;
}

/**
 * SignedData (RFC 5652 §5.1) as pkijs describes it, but with the elements of each field left
 * undecoded: pkijs's own schema spells out every certificate and CRL form and is rebuilt and
 * matched on each call, which cost more than all the rest of a verification. Each element is
 * then read by the pkijs class for it, so nothing pkijs would refuse is accepted.
 */
function signedDataSchema(): asn1js.Sequence {
  const any = (name?: string): asn1js.Repeated => new asn1js.Repeated({ ...(name ? { name } : {}), value: new asn1js.Any() });
  return new asn1js.Sequence({
    value: [
      new asn1js.Integer({ name: 'version' }),
      new asn1js.Set({ value: [any('digestAlgorithms')] }),
      new asn1js.Any({ name: 'encapContentInfo' }),
      new asn1js.Constructed({ name: 'certificates', optional: true, idBlock: { tagClass: 3, tagNumber: 0 }, value: [any()] }),
      new asn1js.Constructed({ name: 'crls', optional: true, idBlock: { tagClass: 3, tagNumber: 1 }, value: [any()] }),
      new asn1js.Set({ value: [any('signerInfos')] }),
    ],
  });
}

interface SignedDataBlocks {
  readonly version: asn1js.Integer;
  readonly digestAlgorithms?: asn1js.BaseBlock[];
  readonly encapContentInfo: asn1js.BaseBlock;
  readonly certificates?: asn1js.Constructed;
  readonly crls?: asn1js.Constructed;
  readonly signerInfos?: asn1js.BaseBlock[];
}

/** Certificates taken from the decoded blocks, so that their DER is the received one, byte for byte. */
function readCertificates(choices: readonly asn1js.BaseBlock[]): CertEntry[] {
  if (choices.length > SMIME_LIMITS.maxCertificates) {
    throw malformed(`the signature carries ${choices.length} certificates, more than ${SMIME_LIMITS.maxCertificates}`);
  }
  // Other CertificateChoices (attribute certificates and the like) are of no use to PEC, but
  // pkijs still reads them, so that a broken one makes the signature malformed as before.
  const others = choices.filter((b) => !isPlainCertificate(b));
  if (others.length > 0) new pkijs.CertificateSet({ schema: new asn1js.Set({ value: others }) });
  return choices.filter(isPlainCertificate).map((block) => {
    // Its SHA-1 is what the providers' index lists (RFC 6109 §4.5); the copy is the caller's.
    const der = new Uint8Array(block.valueBeforeDecodeView);
    try {
      return certEntry(der);
    } catch (err) {
      throw malformed(`a certificate in the signature cannot be parsed: ${(err as Error).message}`);
    }
  });
}

/**
 * Decodes a DER/BER ContentInfo holding a SignedData.
 * @throws RecapitoError `SIGNATURE_MALFORMED`; pkijs errors on malformed parts.
 */
export function parseSignature(der: Uint8Array): ParsedSignature {
  if (der.byteLength === 0) throw malformed('the signature is empty');
  if (der.byteLength > SMIME_LIMITS.maxSignatureBytes) {
    throw malformed(`the signature is ${der.byteLength} bytes, more than the ${SMIME_LIMITS.maxSignatureBytes} accepted`);
  }
  // A ContentInfo is a SEQUENCE: refuse anything else before decoding it.
  if (der[0] !== 0x30) throw malformed('the signature is not a DER/BER SEQUENCE (ContentInfo)');
  const asn = asn1js.fromBER(der, DECODE_LIMITS);
  if (asn.offset === -1) throw malformed(`the signature is not valid ASN.1: ${asn.result.error || 'decoding failed'}`);

  const contentInfo = new pkijs.ContentInfo({ schema: asn.result });
  if (contentInfo.contentType !== CMS_OIDS.signedData) {
    throw malformed(`the CMS content type is ${contentInfo.contentType}, not signedData`);
  }
  // The named parts are collected on a fresh object rather than on the decoded block.
  const match = asn1js.compareSchema({} as asn1js.BaseBlock, contentInfo.content as asn1js.BaseBlock, signedDataSchema());
  if (!match.verified) throw malformed('the content is not a SignedData (RFC 5652 §5.1)');
  const sd = match.result as unknown as SignedDataBlocks;
  // Read in pkijs's order, each part by its own pkijs class.
  for (const schema of sd.digestAlgorithms ?? []) new pkijs.AlgorithmIdentifier({ schema });
  const encap = new pkijs.EncapsulatedContentInfo({ schema: sd.encapContentInfo });
  const certificates = readCertificates(sd.certificates?.valueBlock.value ?? []);
  if (sd.crls) new pkijs.RevocationInfoChoices({ schema: new asn1js.Set({ value: sd.crls.valueBlock.value }) });
  const signerInfos = (sd.signerInfos ?? []).map((schema) => new pkijs.SignerInfo({ schema }));
  const signerInfo = signerInfos[0];
  if (!signerInfo) throw malformed('the SignedData has no SignerInfo');
  return { eContentType: encap.eContentType, signerInfo, certificates };
}

/**
 * The certificate the SignerInfo names (RFC 5652 §5.3): by issuer and serial number (version 1)
 * or by subject key identifier (version 3).
 */
export function findSignerCertificate(si: pkijs.SignerInfo, certs: readonly CertEntry[]): CertEntry | undefined {
  const sid: unknown = si.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.cert.serialNumber.isEqual(sid.serialNumber) && c.cert.issuer.isEqual(sid.issuer));
  }
  if (sid instanceof asn1js.BaseBlock && isContext(sid, 0)) {
    const keyId = (sid as asn1js.Primitive).valueBlock.valueHexView;
    return certs.find((c) => {
      const ski = c.x509.getExtension(x509.SubjectKeyIdentifierExtension);
      return ski !== null && Buffer.from(ski.keyId, 'hex').equals(keyId);
    });
  }
  return undefined;
}
