/**
 * Certification path building and validation (RFC 5280 §6, restricted to what PEC needs):
 * signatures along the path, validity dates of every certificate, CA basic constraints and
 * path length, keyCertSign, name constraints (§4.2.1.10), unknown critical extensions, and the
 * signer's key usage for S/MIME (RFC 5751 §4.4). Revocation is not checked (docs/decisions/0006).
 * Each failure gets its own code, so that a name-constraint violation is not confused with an
 * unknown issuer.
 *
 * Everything but the dates depends only on the certificates, so it is worked out once per
 * (signer, carried certificates, anchors), keyed by their DER hashes, and kept in a bounded LRU;
 * the dates are checked against `at` on every call, so expiry is always exact.
 */
import * as x509 from '@peculiar/x509';
import type { Problem } from '../errors.ts';
import type { CertEntry } from './certificates.ts';
import { dnToString, nameConstraintsViolation } from './name-constraints.ts';
import { smimeProblem } from './errors.ts';
import { LruCache } from './lru.ts';

/** Longest path tried: leaf, up to 6 intermediates, anchor. PEC paths have 3 certificates. */
const MAX_PATH = 8;

const EXT = {
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
};
// Extensions this validator processes; any other one marked critical makes the certificate
// unusable (RFC 5280 §4.2). Policies are accepted without processing (any-policy).
const PROCESSED = new Set(Object.values(EXT));
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const ANY_EKU = '2.5.29.37.0';

/** Outcome of {@link validateChain}. */
export interface ChainVerdict {
  readonly trusted: boolean;
  readonly problems: Problem[];
}

function label(e: CertEntry): string {
  return `"${dnToString(e.cert.subject)}"`;
}

function selfIssued(e: CertEntry): boolean {
  return e.cert.subject.isEqual(e.cert.issuer);
}

function sameDer(a: CertEntry, b: CertEntry): boolean {
  return a.der.byteLength === b.der.byteLength && Buffer.compare(a.der, b.der) === 0;
}

/** Whether `parent` issued `child`: names chain, key identifiers agree, the signature verifies. */
async function issuedBy(child: CertEntry, parent: CertEntry): Promise<boolean> {
  if (!parent.cert.subject.isEqual(child.cert.issuer)) return false;
  const aki = child.x509.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const ski = parent.x509.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (aki && ski && aki.toLowerCase() !== ski.toLowerCase()) return false;
  try {
    return await child.x509.verify({ publicKey: parent.x509.publicKey, signatureOnly: true });
  } catch {
    return false; // unsupported or broken signature algorithm: not issued by this parent
  }
}

/**
 * Depth-first path search from the leaf to an anchor. A certificate from which no anchor was
 * reachable is never explored again, so crafted pools of cross-signed certificates cost at most
 * one signature check per pair.
 */
async function buildPath(leaf: CertEntry, pool: readonly CertEntry[], anchors: readonly CertEntry[]): Promise<CertEntry[] | undefined> {
  if (anchors.some((a) => sameDer(a, leaf))) return [leaf];
  const dead = new Set<CertEntry>();
  const extend = async (path: CertEntry[]): Promise<CertEntry[] | undefined> => {
    const last = path[path.length - 1]!;
    for (const a of anchors) if (await issuedBy(last, a)) return [...path, a];
    if (path.length >= MAX_PATH - 1) return undefined;
    for (const c of pool) {
      if (dead.has(c) || path.includes(c) || anchors.some((a) => sameDer(a, c))) continue;
      if (!(await issuedBy(last, c))) continue;
      const found = await extend([...path, c]);
      if (found) return found;
      dead.add(c);
    }
    return undefined;
  };
  return extend([leaf]);
}

/** What the date checks of one certificate need: everything else about it is judged once. */
interface Dated {
  readonly role: string;
  readonly label: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function dated(e: CertEntry, role: string): Dated {
  return { role, label: label(e), notBefore: new Date(e.x509.notBefore.getTime()), notAfter: new Date(e.x509.notAfter.getTime()) };
}

function dateProblems(d: Dated, at: Date): Problem[] {
  const { role, label: name, notBefore, notAfter } = d;
  if (at < notBefore) return [smimeProblem('CERT_NOT_YET_VALID', `the ${role} certificate ${name} is valid only from ${notBefore.toISOString()}`)];
  if (at > notAfter) return [smimeProblem('CERT_EXPIRED', `the ${role} certificate ${name} expired on ${notAfter.toISOString()}`)];
  return [];
}

function criticalProblems(e: CertEntry, role: string): Problem[] {
  return e.x509.extensions
    .filter((x) => x.critical && !PROCESSED.has(x.type))
    .map((x) => smimeProblem('CERT_CHAIN_UNTRUSTED', `the ${role} certificate ${label(e)} has an unsupported critical extension ${x.type}`));
}

/** RFC 5280 §6.1.4 (k), (l), (n): a certificate that issues others must be an allowed CA. */
function caProblems(path: readonly CertEntry[], i: number, isAnchor: boolean): Problem[] {
  const e = path[i]!;
  const bc = e.x509.getExtension(x509.BasicConstraintsExtension);
  // A version 1 trust anchor has no extensions at all and is a CA by configuration.
  if (!bc?.ca && !(isAnchor && e.cert.version < 2)) {
    return [smimeProblem('CERT_CHAIN_UNTRUSTED', `${label(e)} issued a certificate but is not a CA (basicConstraints)`)];
  }
  if (bc?.pathLength !== undefined) {
    const below = path.slice(1, i).filter((c) => !selfIssued(c)).length;
    if (below > bc.pathLength) {
      return [smimeProblem('CERT_CHAIN_UNTRUSTED', `${label(e)} allows ${bc.pathLength} intermediate CAs below it, the path has ${below}`)];
    }
  }
  const ku = e.x509.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & x509.KeyUsageFlags.keyCertSign)) {
    return [smimeProblem('CERT_CHAIN_UNTRUSTED', `${label(e)} issued a certificate but its key usage lacks keyCertSign`)];
  }
  return [];
}

/** RFC 5751 §4.4.2 and §4.4.4: the signer's key may sign e-mail. */
function signerUsageProblems(leaf: CertEntry): Problem[] {
  const ku = leaf.x509.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation))) {
    return [smimeProblem('CERT_KEY_USAGE', `the signer certificate ${label(leaf)} has neither digitalSignature nor nonRepudiation key usage`)];
  }
  const eku = leaf.x509.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.some((u) => u === EMAIL_PROTECTION || u === ANY_EKU)) {
    return [smimeProblem('CERT_KEY_USAGE', `the signer certificate ${label(leaf)} is not for e-mail protection (extended key usage)`)];
  }
  return [];
}

/**
 * The findings of a validation that do not depend on the time, in the order they are reported:
 * the signer's usage, then for each certificate of the path (only the signer when there is no
 * path) its date checks followed by its other problems, then the closing problems.
 */
interface Analysis {
  readonly chained: boolean;
  readonly usage: readonly Problem[];
  readonly steps: readonly { readonly dates: Dated; readonly problems: readonly Problem[] }[];
  readonly closing: readonly Problem[];
}

async function analyse(leaf: CertEntry, intermediates: readonly CertEntry[], anchors: readonly CertEntry[]): Promise<Analysis> {
  const usage = signerUsageProblems(leaf);
  const path = await buildPath(leaf, intermediates, anchors);
  if (!path) {
    const closing = [smimeProblem('CERT_CHAIN_UNTRUSTED',
      `no chain from the signer ${label(leaf)} (issuer "${dnToString(leaf.cert.issuer)}") to a trust anchor`)];
    return { chained: false, usage, steps: [{ dates: dated(leaf, 'signer'), problems: [] }], closing };
  }
  const last = path.length - 1;
  const steps = path.map((e, i) => {
    const role = i === 0 ? 'signer' : i === last ? 'trust anchor' : 'intermediate';
    return { dates: dated(e, role), problems: [...criticalProblems(e, role), ...(i > 0 ? caProblems(path, i, i === last) : [])] };
  });
  // §6.1.3 (b)–(c): the constraints of each CA bind every certificate below it, except
  // self-issued intermediates; the trust anchor's constraints apply too, as OpenSSL does.
  const closing: Problem[] = [];
  for (let i = 1; i <= last; i++) {
    for (let j = 0; j < i; j++) {
      if (j > 0 && selfIssued(path[j]!)) continue;
      const why = nameConstraintsViolation(path[i]!.cert, path[j]!.cert);
      if (why) closing.push(smimeProblem('CERT_NAME_CONSTRAINTS', why));
    }
  }
  return { chained: true, usage, steps, closing };
}

/** Analyses kept: one per signer certificate and anchor set in practice. */
export const CHAIN_CACHE_SIZE = 256;

/**
 * Analyses by the SHA-256 of the signer, of each carried certificate in order (the order steers
 * the path search) and of each anchor in order (exported for tests).
 */
export const chainCache = new LruCache<string, Analysis>(CHAIN_CACHE_SIZE);

/**
 * Validates the path from `leaf` through `intermediates` (certificates carried in the
 * signature) to one of `anchors`, at time `at`.
 */
export async function validateChain(
  leaf: CertEntry, intermediates: readonly CertEntry[], anchors: readonly CertEntry[], at: Date,
): Promise<ChainVerdict> {
  const key = [leaf.id, intermediates.map((e) => e.id).join(','), anchors.map((e) => e.id).join(',')].join('|');
  let analysis = chainCache.get(key);
  if (!analysis) {
    analysis = await analyse(leaf, intermediates, anchors);
    chainCache.set(key, analysis);
  }
  // Fresh problem objects each time: callers own what they receive.
  const problems: Problem[] = analysis.usage.map((p) => ({ ...p }));
  for (const step of analysis.steps) problems.push(...dateProblems(step.dates, at), ...step.problems.map((p) => ({ ...p })));
  problems.push(...analysis.closing.map((p) => ({ ...p })));
  return { trusted: analysis.chained && problems.length === 0, problems };
}
