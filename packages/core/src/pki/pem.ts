/**
 * PEM (RFC 7468) and DER helpers, and the facts about a certificate that PEC needs: subject,
 * the rfc822Name that must equal `From:` (RFC 6109 §2.1) and the SHA-1 of the DER that keys the
 * providers' index (`providerCertificateHash`, RFC 6109 §4.5).
 */
import { createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { RecapitoError } from '../errors.ts';

// RFC 7468 §2: labels are upper-case words; the END label must repeat the BEGIN one.
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes every PEM block of `pem` (optionally only those labelled `label`, e.g. `CERTIFICATE`)
 * into DER, in file order. Text around the blocks (OpenSSL's "subject=" lines) is ignored.
 * @throws RecapitoError `PKI_PEM_MALFORMED` when a block is damaged or none matches.
 */
export function pemToDerList(pem: string, label?: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const [, begin, body = '', end] = m;
    if (begin !== end) throw new RecapitoError('PKI_PEM_MALFORMED', `PEM block BEGIN ${begin} ends with END ${end}`);
    if (label !== undefined && begin !== label) continue;
    const b64 = body.replace(/\s+/g, '');
    // Encrypted legacy PEM ("Proc-Type:" headers, RFC 1421) is not base64 and is refused here.
    if (b64.length % 4 !== 0 || !BASE64.test(b64)) {
      throw new RecapitoError('PKI_PEM_MALFORMED', `PEM block ${begin} is not valid base64`);
    }
    out.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  if (out.length === 0) {
    throw new RecapitoError('PKI_PEM_MALFORMED', label ? `no PEM block labelled ${label}` : 'no PEM block found');
  }
  return out;
}

/** Encodes DER as one PEM block (RFC 7468 §2: 64-character lines), ending with a newline. */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

/** Upper-case hex SHA-1 of DER bytes: the form of `providerCertificateHash` (RFC 6109 §4.5). */
export function sha1Hex(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/** What PEC needs to know about a certificate. */
export interface CertificateInfo {
  /** Subject DN, RFC 4514 style, in encoding order (e.g. `C=IT, O=Example, CN=Posta Certificata Example`). */
  readonly subject: string;
  readonly issuer: string;
  /** First rfc822Name of subjectAltName: the provider's service address (RFC 6109 §5.5). */
  readonly email?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Upper-case hex SHA-1 of the DER, as `providerCertificateHash`. */
  readonly sha1: string;
  /** Serial number, upper-case hex, without the sign-padding zero octet (as OpenSSL prints it). */
  readonly serial: string;
}

/** Parses a DER certificate with @peculiar/x509, wrapping failures in a coded error. */
export function parseCertificate(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(der);
  } catch (err) {
    throw new RecapitoError('PKI_CERT_MALFORMED', `not an X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
}

/** The rfc822Names of a certificate's subjectAltName extension (RFC 5280 §4.2.1.6). */
export function certificateEmails(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(id_ce_subjectAltName);
  if (!ext) return [];
  // Parsed with the ASN.1 schema rather than x509's GeneralNames, which throws on otherName.
  const san = AsnConvert.parse(ext.value, SubjectAlternativeName);
  return san.filter((n) => n.rfc822Name !== undefined).map((n) => n.rfc822Name as string);
}

/**
 * Subject, issuer, e-mail, validity, SHA-1 and serial of a DER certificate.
 * @throws RecapitoError `PKI_CERT_MALFORMED`.
 */
export function certificateInfo(der: Uint8Array): CertificateInfo {
  const cert = parseCertificate(der);
  let email: string | undefined;
  try {
    email = certificateEmails(cert)[0];
  } catch (err) {
    throw new RecapitoError('PKI_CERT_MALFORMED', `unreadable subjectAltName: ${(err as Error).message}`, { cause: err });
  }
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    ...(email !== undefined ? { email } : {}),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    sha1: sha1Hex(der),
    serial: cert.serialNumber.toUpperCase().replace(/^(?:00)+(?=[0-9A-F]{2})/, ''),
  };
}
