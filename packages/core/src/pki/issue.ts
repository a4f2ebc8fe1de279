/**
 * Issuance of a PKI shaped like the real PEC one (digest §5.2): a root, an intermediate with
 * X.509 name constraints like AgID CA1, and provider signing certificates with the RFC 6109
 * §5.5 profile as observed in real certificates. All certificates are RSA-2048 with
 * sha256WithRSAEncryption.
 */
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName, GeneralSubtree, GeneralSubtrees, Name as AsnName, NameConstraints, id_ce_nameConstraints,
} from '@peculiar/asn1-x509';
import { RecapitoError } from '../errors.ts';
import { derToPem, parseCertificate, pemToDerList } from './pem.ts';
import { exportPrivateKeyPem, generateRsaKeyPair, importSigningKey, readRsaPrivateKey } from './keys.ts';

/** A certificate with its private key, both PEM (the key as PKCS#8). */
export interface Issued {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Validity of a certificate to issue. */
export interface ValidityOptions {
  /** notBefore; defaults to the current time (issuance is set-up work, not a legal timestamp). */
  validFrom?: Date;
  /** Days from notBefore to notAfter. */
  validDays?: number;
}

/** Policy of AgID CA1 for PEC (digest §5.2). */
export const PEC_CA_POLICY = '1.3.76.16.3.1';
/** Policy of PEC provider signing certificates (digest §5.2). */
export const PEC_PROVIDER_POLICY = '1.3.76.16.3.1.1';

const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

function validity(opts: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const notBefore = opts.validFrom ?? new Date();
  const days = opts.validDays ?? defaultDays;
  if (Number.isNaN(notBefore.getTime()) || !Number.isFinite(days) || days <= 0) {
    throw new RecapitoError('PKI_BAD_OPTIONS', `invalid validity: from ${String(opts.validFrom)} for ${days} days`);
  }
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
}

/** A random positive 128-bit serial: RFC 5280 §4.1.2.2 (positive, unique, at most 20 octets). */
function randomSerial(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x7f) | 0x40; // high bit clear (positive), non-zero first octet (minimal DER)
  return Buffer.from(b).toString('hex');
}

/** Lower-cased, checked domain; a leading "." or "@" is dropped. */
export function normalizeDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/^[.@]/, '');
  if (!DOMAIN.test(d)) throw new RecapitoError('PKI_BAD_OPTIONS', `"${domain}" is not a domain name`);
  return d;
}

interface IssuerContext {
  readonly name: x509.Name;
  readonly key: CryptoKey;
  readonly keyId: string;
}

async function loadIssuer(issuer: Issued): Promise<IssuerContext> {
  const cert = parseCertificate(pemToDerList(issuer.certificatePem, 'CERTIFICATE')[0]!);
  const material = readRsaPrivateKey(issuer.privateKeyPem);
  if (Buffer.compare(Buffer.from(material.spki), Buffer.from(cert.publicKey.rawData)) !== 0) {
    throw new RecapitoError('PKI_KEY_MALFORMED', `the issuer private key does not belong to ${cert.subject}`);
  }
  // The AKI of children must equal the issuer's SKI (RFC 5280 §4.2.1.1); compute it if absent.
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyId = ski?.keyId ?? (await x509.SubjectKeyIdentifierExtension.create(cert.publicKey)).keyId;
  return { name: cert.subjectName, key: await importSigningKey(material.pkcs8, 'SHA-256'), keyId };
}

interface IssueParams {
  readonly subject: x509.JsonName;
  /** Absent for a self-signed root. */
  readonly issuer?: IssuerContext;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyPem?: string;
  readonly extensions: x509.Extension[];
}

async function issue(p: IssueParams): Promise<Issued> {
  let publicKey: CryptoKey | Uint8Array;
  let privateKey: CryptoKey | undefined;
  let privateKeyPem: string;
  if (p.keyPem !== undefined) {
    const material = readRsaPrivateKey(p.keyPem);
    publicKey = material.spki;
    privateKeyPem = derToPem(material.pkcs8, 'PRIVATE KEY');
    if (!p.issuer) privateKey = await importSigningKey(material.pkcs8, 'SHA-256');
  } else {
    const pair = await generateRsaKeyPair();
    publicKey = pair.publicKey;
    privateKey = pair.privateKey;
    privateKeyPem = await exportPrivateKeyPem(pair.privateKey);
  }
  // SKI by RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKey);
  const extensions = [...p.extensions, ski];
  if (p.issuer) extensions.push(new x509.AuthorityKeyIdentifierExtension(p.issuer.keyId));
  const subject = new x509.Name(p.subject);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: p.issuer?.name ?? subject,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: p.issuer?.key ?? privateKey!,
    extensions,
  });
  return { certificatePem: derToPem(new Uint8Array(cert.rawData), 'CERTIFICATE'), privateKeyPem };
}

/**
 * A self-signed root CA: basicConstraints CA (critical), keyUsage keyCertSign + cRLSign
 * (critical), subjectKeyIdentifier (RFC 5280 §4.2.1.9, §4.2.1.3). Default validity 10 years.
 */
export async function createRootCa(opts: { commonName?: string; organization?: string } & ValidityOptions = {}): Promise<Issued> {
  const organization = opts.organization ?? 'Recapito development PKI';
  return issue({
    subject: [{ C: ['IT'] }, { O: [organization] }, { CN: [opts.commonName ?? 'Recapito Development Root CA'] }],
    ...validity(opts, 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
}

/** Options of {@link createIntermediateCa}. */
export interface IntermediateCaOptions extends ValidityOptions {
  commonName: string;
  organization: string;
  /** Mail domains whose addresses the CA may certify (e.g. the providers' service domains). */
  permittedEmailDomains: string[];
  /** Subject prefixes the CA may certify, RFC 4514 strings such as `C=IT, O=Example S.p.A.`. */
  permittedDirectoryNames?: string[];
}

/**
 * The nameConstraints value (RFC 5280 §4.2.1.10) of a PEC intermediate, as AgID CA1 has it:
 * permitted rfc822Name subtrees for each domain, in both forms — `domain` (mailboxes on that
 * host, hence `posta-certificata@domain`) and `.domain` (any host below it) —, optional
 * permitted directoryNames, and every IPv4 and IPv6 address excluded.
 */
function nameConstraints(domains: readonly string[], directoryNames: readonly string[]): x509.Extension {
  const permitted: GeneralSubtree[] = [];
  for (const d of domains) {
    permitted.push(new GeneralSubtree({ base: new GeneralName({ rfc822Name: d }) }));
    permitted.push(new GeneralSubtree({ base: new GeneralName({ rfc822Name: `.${d}` }) }));
  }
  for (const dn of directoryNames) {
    let name: AsnName;
    try {
      name = AsnConvert.parse(new x509.Name(dn).toArrayBuffer(), AsnName);
    } catch (err) {
      throw new RecapitoError('PKI_BAD_OPTIONS', `"${dn}" is not a distinguished name`, { cause: err });
    }
    permitted.push(new GeneralSubtree({ base: new GeneralName({ directoryName: name }) }));
  }
  const excluded = ['0.0.0.0/0', '::/0'].map((ip) => new GeneralSubtree({ base: new GeneralName({ iPAddress: ip }) }));
  const value = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees(permitted),
    excludedSubtrees: new GeneralSubtrees(excluded),
  });
  // Critical, as RFC 5280 §4.2.1.10 requires of conforming CAs.
  return new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(value));
}

/**
 * An intermediate CA like AgID CA1: basicConstraints CA with pathLen 0 (critical), keyUsage
 * keyCertSign + cRLSign (critical), nameConstraints (critical), AKI, SKI, policy
 * {@link PEC_CA_POLICY}. Default validity 5 years.
 */
export async function createIntermediateCa(root: Issued, opts: IntermediateCaOptions): Promise<Issued> {
  const domains = [...new Set(opts.permittedEmailDomains.map(normalizeDomain))];
  if (domains.length === 0) throw new RecapitoError('PKI_BAD_OPTIONS', 'an intermediate needs at least one permitted e-mail domain');
  const range = validity(opts, 1825);
  const extensions = [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    nameConstraints(domains, opts.permittedDirectoryNames ?? []),
    new x509.CertificatePolicyExtension([PEC_CA_POLICY]),
  ];
  return issue({
    subject: [{ C: ['IT'] }, { O: [opts.organization] }, { CN: [opts.commonName] }],
    issuer: await loadIssuer(root),
    ...range,
    extensions,
  });
}

/** Options of {@link issueProviderCertificate}. */
export interface ProviderCertificateOptions extends ValidityOptions {
  /** Provider mail domain. */
  domain: string;
  /** Provider name exactly as in the providers' index `providerName` (RFC 6109 §5.5). */
  providerName: string;
  /** Service address; default `posta-certificata@<domain>`. */
  email?: string;
  /** Reuse this private key (PEM) instead of generating one (certificate renewal). */
  keyPem?: string;
}

/**
 * A provider signing certificate with the RFC 6109 §5.5 profile as observed (digest §5.2):
 * subject `C=IT, O=<providerName>, CN=Posta Certificata <providerName>`, subjectAltName
 * rfc822Name (non-critical), keyUsage digitalSignature (critical), extKeyUsage emailProtection,
 * AKI, SKI, policy {@link PEC_PROVIDER_POLICY}, and no basicConstraints (§5.5 forbids it).
 * Default validity 3 years, as real ones.
 */
export async function issueProviderCertificate(issuer: Issued, opts: ProviderCertificateOptions): Promise<Issued> {
  const domain = normalizeDomain(opts.domain);
  const email = opts.email ?? `posta-certificata@${domain}`;
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new RecapitoError('PKI_BAD_OPTIONS', `"${email}" is not an e-mail address`);
  if (opts.providerName.trim() === '') throw new RecapitoError('PKI_BAD_OPTIONS', 'the provider name is empty');
  const range = validity(opts, 1095);
  return issue({
    subject: [{ C: ['IT'] }, { O: [opts.providerName] }, { CN: [`Posta Certificata ${opts.providerName}`] }],
    issuer: await loadIssuer(issuer),
    ...range,
    ...(opts.keyPem !== undefined ? { keyPem: opts.keyPem } : {}),
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: 'email', value: email }], false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection], false),
      new x509.CertificatePolicyExtension([PEC_PROVIDER_POLICY]),
    ],
  });
}

/** Options of {@link issueServerCertificate}. */
export interface ServerCertificateOptions extends ValidityOptions {
  /** DNS names (first one is the CN). */
  hostnames: string[];
  /** IP addresses, e.g. 127.0.0.1 for loopback deployments. */
  ips?: string[];
}

/**
 * A TLS server certificate for the provider's listeners (SMTP, IMAP, POP3, HTTP), issued by the
 * development root: serverAuth, digitalSignature + keyEncipherment, SAN with the names.
 * Distinct from the signing certificate, as in production.
 */
export async function issueServerCertificate(issuer: Issued, opts: ServerCertificateOptions): Promise<Issued> {
  if (opts.hostnames.length === 0) throw new RecapitoError('PKI_BAD_OPTIONS', 'a server certificate needs at least one host name');
  const range = validity(opts, 825);
  const names = [...opts.hostnames.map((h) => ({ type: 'dns' as const, value: h })), ...(opts.ips ?? []).map((ip) => ({ type: 'ip' as const, value: ip }))];
  return issue({
    subject: [{ CN: [opts.hostnames[0]!] }],
    issuer: await loadIssuer(issuer),
    ...range,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
}
