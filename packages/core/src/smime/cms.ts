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

/** Bounds on signatures accepted for verification. */
export const SMIME_LIMITS = Object.freeze({
  /** A PEC smime.p7s (two certificates, one signer) is about 4 KiB; 1 MiB leaves room for CRLs. */
  maxSignatureBytes: 1024 * 1024,
  /** Certificates carried in one signature (real ones carry 2). */
  maxCertificates: 32,
  /** ASN.1 nesting: a certificate inside CMS reaches about 20 levels. */
  maxAsn1Depth: 64,
  /** ASN.1 elements in the whole signature. */
  maxAsn1Nodes: 50_000,
});

/** A certificate as received (exact DER, for hashing) and parsed by both libraries. */
export interface CertEntry {
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
  readonly x509: x509.X509Certificate;
}

/** Parses DER into a {@link CertEntry}; throws on malformed input. */
export function certEntry(der: Uint8Array): CertEntry {
  return { der, cert: pkijs.Certificate.fromBER(der), x509: new x509.X509Certificate(der) };
}

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

/**
 * Decodes a DER/BER ContentInfo holding a SignedData.
 * @throws RecapitoError `SIGNATURE_MALFORMED`.
 */
export function parseSignature(der: Uint8Array): ParsedSignature {
  if (der.byteLength === 0) throw malformed('the signature is empty');
  if (der.byteLength > SMIME_LIMITS.maxSignatureBytes) {
    throw malformed(`the signature is ${der.byteLength} bytes, more than the ${SMIME_LIMITS.maxSignatureBytes} accepted`);
  }
  // A ContentInfo is a SEQUENCE: refuse anything else before decoding it.
  if (der[0] !== 0x30) throw malformed('the signature is not a DER/BER SEQUENCE (ContentInfo)');
  const asn = asn1js.fromBER(der, {
    maxDepth: SMIME_LIMITS.maxAsn1Depth,
    maxNodes: SMIME_LIMITS.maxAsn1Nodes,
    maxContentLength: SMIME_LIMITS.maxSignatureBytes,
    parseEmbedded: false,
  });
  if (asn.offset === -1) throw malformed(`the signature is not valid ASN.1: ${asn.result.error || 'decoding failed'}`);

  const contentInfo = new pkijs.ContentInfo({ schema: asn.result });
  if (contentInfo.contentType !== CMS_OIDS.signedData) {
    throw malformed(`the CMS content type is ${contentInfo.contentType}, not signedData`);
  }
  const sdBlock = contentInfo.content as asn1js.Sequence;
  const signedData = new pkijs.SignedData({ schema: sdBlock });
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw malformed('the SignedData has no SignerInfo');

  // Certificates are taken from the decoded blocks so that their DER is the received one, byte
  // for byte: its SHA-1 is what the providers' index lists (RFC 6109 §4.5). pkijs decoded the
  // same blocks, in the same order, into its CertificateSet.
  const certSet = sdBlock.valueBlock.value.find((b) => isContext(b, 0));
  const choices = certSet instanceof asn1js.Constructed ? certSet.valueBlock.value : [];
  if (choices.length > SMIME_LIMITS.maxCertificates) {
    throw malformed(`the signature carries ${choices.length} certificates, more than ${SMIME_LIMITS.maxCertificates}`);
  }
  // CertificateChoices: only the plain Certificate (a universal SEQUENCE) matters for PEC.
  const blocks = choices.filter((b) => b.idBlock.tagClass === 1 && b.idBlock.tagNumber === 16);
  const parsedCerts = (signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
  if (blocks.length !== parsedCerts.length) throw malformed('the certificate set cannot be decoded');
  const certificates: CertEntry[] = [];
  blocks.forEach((block, i) => {
    const der = new Uint8Array(block.valueBeforeDecodeView);
    try {
      certificates.push({ der, cert: parsedCerts[i]!, x509: new x509.X509Certificate(der) });
    } catch (err) {
      throw malformed(`a certificate in the signature cannot be parsed: ${(err as Error).message}`);
    }
  });
  return { eContentType: signedData.encapContentInfo.eContentType, signerInfo, certificates };
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
