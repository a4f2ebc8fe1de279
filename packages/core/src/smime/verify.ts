/**
 * Verification of a detached CMS signature (RFC 5652 §5.4, §5.6; RFC 5751 §3.4.3) over content
 * given as chunks, as the PEC reception point does (RFC 6109 §2.2.2, digest §5.3): integrity
 * (messageDigest equals the digest of the content, the signature over the signed attributes
 * verifies with the signer's key) and, separately, trust (a valid path to an anchor). Never
 * throws: every failure is a Problem.
 */
import { createVerify } from 'node:crypto';
import type * as x509 from '@peculiar/x509';
import { RecapitoError, type Problem } from '../errors.ts';
import { certificateEmails, pemToDerList, sha1Hex } from '../pki/pem.ts';
import type { WebHash } from '../pki/keys.ts';
import { readSignedAttributes } from './attributes.ts';
import { certEntry, spkiOf, verifyKeyOf, type CertEntry } from './certificates.ts';
import { findSignerCertificate, parseSignature, type ParsedSignature } from './cms.ts';
import { validateChain } from './chain.ts';
import { digestForOid, digestNameOfOid, hashChunks, rsaHashFor, type DigestName } from './digest.ts';
import { smimeProblem } from './errors.ts';

/** The signer as found in the signature. */
export interface SignerDescription {
  readonly subject: string;
  /** rfc822Name of subjectAltName: must equal `From:` (RFC 6109 §2.1). */
  readonly email?: string;
  /** Upper-case hex SHA-1 of the certificate DER (`providerCertificateHash`). */
  readonly sha1: string;
  /** The certificate exactly as received. */
  readonly der: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What {@link verifyDetached} found. */
export interface SignatureVerdict {
  /** Integrity: messageDigest matches the content and the signature verifies with the signer key. */
  readonly status: 'valid' | 'invalid';
  /** A path from the signer to a trust anchor validates at the given time; false without anchors. */
  readonly trusted: boolean;
  readonly signer?: SignerDescription;
  /** `sha1`, `sha256`, or the name/OID of another digest. */
  readonly digest?: string;
  readonly signingTime?: Date;
  readonly problems: Problem[];
}

/** Options of {@link verifyDetached}. */
export interface VerifyOptions {
  /** Trusted roots: PEM texts (one or more certificates each) and/or DER certificates. */
  trustAnchorsPem?: readonly (string | Uint8Array)[];
  /** The time at which validity is judged (the reception time, from the caller's clock). */
  at: Date;
}

const NODE_HASH: Readonly<Record<WebHash, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

type SignerFacts = Omit<SignerDescription, 'der'>;

// What describes a signer, worked out once per parsed certificate (the parse is shared by all
// signatures carrying the same bytes and lives as long as the certificate cache keeps it).
const signerFacts = new WeakMap<x509.X509Certificate, SignerFacts>();

function factsOf(e: CertEntry): SignerFacts {
  const known = signerFacts.get(e.x509);
  if (known) return known;
  let email: string | undefined;
  try {
    email = certificateEmails(e.x509)[0];
  } catch {
    email = undefined; // an unreadable SAN leaves the signer without e-mail; From checks then fail
  }
  const facts: SignerFacts = {
    subject: e.x509.subject,
    ...(email !== undefined ? { email } : {}),
    sha1: sha1Hex(e.der),
    notBefore: e.x509.notBefore,
    notAfter: e.x509.notAfter,
  };
  signerFacts.set(e.x509, facts);
  return facts;
}

function describeSigner(e: CertEntry): SignerDescription {
  const facts = factsOf(e);
  // Dates are copied: the description belongs to the caller, the facts are shared.
  return {
    subject: facts.subject,
    ...(facts.email !== undefined ? { email: facts.email } : {}),
    sha1: facts.sha1,
    der: e.der,
    notBefore: new Date(facts.notBefore.getTime()),
    notAfter: new Date(facts.notAfter.getTime()),
  };
}

function failure(err: unknown, context: string): Problem {
  if (err instanceof RecapitoError) return err.toProblem();
  return smimeProblem('SIGNATURE_MALFORMED', `${context}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Integrity checks; pushes problems and returns whether the signature is intact. */
async function checkIntegrity(
  content: readonly Uint8Array[], sig: ParsedSignature, digest: DigestName, signer: CertEntry, problems: Problem[],
): Promise<{ ok: boolean; signingTime?: Date }> {
  const si = sig.signerInfo;
  const hash = rsaHashFor(si.signatureAlgorithm.algorithmId, digest);
  if (!hash) {
    problems.push(smimeProblem('SIGNATURE_INVALID', `unsupported signature algorithm ${si.signatureAlgorithm.algorithmId} (PEC uses RSA PKCS#1 v1.5)`));
    return { ok: false };
  }
  const signature = new Uint8Array(si.signature.getValue());
  const spki = spkiOf(signer);

  if (!si.signedAttrs) {
    // RFC 5652 §5.4: without signed attributes the signature covers the content itself; it is
    // streamed through the verifier chunk by chunk. Real PEC signatures always have attributes.
    const v = createVerify(NODE_HASH[hash]);
    for (const c of content) v.update(c);
    const ok = v.verify({ key: Buffer.from(spki), format: 'der', type: 'spki' }, signature);
    if (!ok) problems.push(smimeProblem('SIGNATURE_INVALID', 'the signature (without signed attributes) does not verify over the content'));
    return { ok };
  }

  const attrs = readSignedAttributes(si.signedAttrs.attributes);
  let ok = true;
  // RFC 5652 §11.1: the contentType attribute must equal the eContentType.
  if (attrs.contentType !== sig.eContentType) {
    problems.push(smimeProblem('SIGNATURE_INVALID', `the contentType attribute (${attrs.contentType}) differs from the eContentType (${sig.eContentType})`));
    ok = false;
  }
  if (!Buffer.from(hashChunks(content, digest)).equals(attrs.messageDigest)) {
    problems.push(smimeProblem('SIGNATURE_DIGEST_MISMATCH', `the ${digest} digest of the content differs from the signed messageDigest: the content was changed`));
    ok = false;
  }
  let verified: boolean;
  try {
    const key = await verifyKeyOf(signer, hash);
    // pkijs keeps the attributes as received, re-tagged as SET OF (RFC 5652 §5.4).
    verified = await globalThis.crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature, si.signedAttrs.encodedValue);
  } catch (err) {
    problems.push(smimeProblem('SIGNATURE_INVALID', `the signer key cannot verify the signature (${(err as Error).message}); PEC keys are RSA`));
    return { ok: false, ...(attrs.signingTime ? { signingTime: attrs.signingTime } : {}) };
  }
  if (!verified) {
    problems.push(smimeProblem('SIGNATURE_INVALID', 'the signature over the signed attributes does not verify with the signer certificate key'));
    ok = false;
  }
  return { ok, ...(attrs.signingTime ? { signingTime: attrs.signingTime } : {}) };
}

// Anchors are parsed through the certificate cache, keyed by their bytes: the same few anchors
// come with every message, and a DER array changed by its owner is simply another certificate.
function parseAnchor(a: string | Uint8Array): CertEntry[] {
  if (typeof a !== 'string') return [certEntry(new Uint8Array(a))];
  return pemToDerList(a, 'CERTIFICATE').map((der) => certEntry(der));
}

function readAnchors(anchors: readonly (string | Uint8Array)[], problems: Problem[]): CertEntry[] {
  const out: CertEntry[] = [];
  anchors.forEach((a, i) => {
    try {
      out.push(...parseAnchor(a));
    } catch (err) {
      problems.push(smimeProblem('CERT_CHAIN_UNTRUSTED', `trust anchor #${i + 1} cannot be read: ${(err as Error).message}`));
    }
  });
  return out;
}

/**
 * Verifies a detached signature over `content` (the concatenation of the chunks, never built).
 * Without trust anchors, only integrity is judged: `trusted` is false and no trust problem is
 * reported (the caller may trust through the providers' index instead).
 */
export async function verifyDetached(
  content: readonly Uint8Array[], signatureDer: Uint8Array, opts: VerifyOptions,
): Promise<SignatureVerdict> {
  const problems: Problem[] = [];
  let parsed: ParsedSignature;
  try {
    parsed = parseSignature(signatureDer);
  } catch (err) {
    return { status: 'invalid', trusted: false, problems: [failure(err, 'the signature is not a CMS SignedData')] };
  }
  let signer: SignerDescription | undefined;
  let digestLabel: string | undefined;
  let signingTime: Date | undefined;
  let intact = false;
  let trusted = false;
  try {
    const si = parsed.signerInfo;
    digestLabel = digestNameOfOid(si.digestAlgorithm.algorithmId);
    const digest = digestForOid(si.digestAlgorithm.algorithmId);
    const signerEntry = findSignerCertificate(si, parsed.certificates);
    if (signerEntry) signer = describeSigner(signerEntry);
    else problems.push(smimeProblem('SIGNER_CERT_MISSING', `none of the ${parsed.certificates.length} certificates in the signature is the signer's`));
    if (!digest) problems.push(smimeProblem('DIGEST_UNSUPPORTED', `the signature uses digest ${digestLabel}; SHA-1 and SHA-256 are accepted`));
    if (digest && signerEntry) {
      const r = await checkIntegrity(content, parsed, digest, signerEntry, problems);
      intact = r.ok;
      signingTime = r.signingTime;
    }
    const anchorInput = opts.trustAnchorsPem ?? [];
    if (signerEntry && anchorInput.length > 0 && Number.isNaN(opts.at.getTime())) {
      problems.push(smimeProblem('CERT_CHAIN_UNTRUSTED', 'the verification time is not a valid date'));
    } else if (signerEntry && anchorInput.length > 0) {
      const anchors = readAnchors(anchorInput, problems);
      const others = parsed.certificates.filter((c) => c !== signerEntry);
      const chain = await validateChain(signerEntry, others, anchors, opts.at);
      problems.push(...chain.problems);
      trusted = chain.trusted && anchors.length > 0;
    }
  } catch (err) {
    // Library failures on hostile structures (bad attribute encodings, odd keys) end up here.
    problems.push(failure(err, 'the signature cannot be checked'));
    intact = false;
    trusted = false;
  }
  return {
    status: intact ? 'valid' : 'invalid',
    trusted,
    ...(signer ? { signer } : {}),
    ...(digestLabel ? { digest: digestLabel } : {}),
    ...(signingTime ? { signingTime } : {}),
    problems,
  };
}
