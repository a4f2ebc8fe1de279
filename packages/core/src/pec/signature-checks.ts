/**
 * Signature checks of the reception point (RFC 6109 §2.2.2 steps 1–3, §7): structure, integrity,
 * chain to the trust anchors, membership in the providers' index, and From = signer e-mail.
 */
import type { Problem } from '../errors.ts';
import { decodeBody, entityBytes, headerValue, normalizeCrlf, parseAddressList, type MimeNode, type ParsedMessage } from '../mime/index.ts';
import { verifyDetached } from '../smime/index.ts';
import type { InspectOptions } from './classify.ts';

export interface SignatureReport {
  readonly status: 'valid' | 'invalid' | 'absent';
  /** Chain valid to a trust anchor and, when an index is used, a provider's certificate. */
  readonly trusted: boolean;
  readonly signer?: {
    readonly subject: string;
    readonly email?: string;
    readonly sha1: string;
    readonly notBefore: string;
    readonly notAfter: string;
  };
  readonly digest?: string;
  readonly signingTime?: string;
  /** Provider name from the index record of the signer. */
  readonly provider?: string;
}

const SIG_TYPES = new Set(['application/x-pkcs7-signature', 'application/pkcs7-signature']);

export interface SignatureCheck {
  readonly report: SignatureReport;
  /** The signed content entity, or the root when the message is not signed. */
  readonly content: MimeNode;
}

export async function checkSignature(msg: ParsedMessage, opts: InspectOptions, problems: Problem[]): Promise<SignatureCheck> {
  const root = msg.root;
  if (root.contentType.mime !== 'multipart/signed') {
    problems.push({ code: 'SIGNATURE_ABSENT', message: 'the message is not S/MIME signed (no multipart/signed)' });
    return { report: { status: 'absent', trusted: false }, content: root };
  }
  const [content, sigPart] = root.children;
  if (content && !sigPart) {
    problems.push({ code: 'SIGNATURE_ABSENT', message: 'multipart/signed without its signature part' });
    return { report: { status: 'absent', trusted: false }, content };
  }
  if (!content || !sigPart || root.children.length !== 2 || !SIG_TYPES.has(sigPart.contentType.mime)) {
    problems.push({ code: 'SIGNATURE_MALFORMED', message: 'multipart/signed must have exactly two parts, the second application/pkcs7-signature' });
    return { report: { status: 'invalid', trusted: false }, content: content ?? root };
  }
  const sig = decodeBody(msg, sigPart);
  problems.push(...sig.problems);
  const verifyOpts = {
    ...(opts.trustAnchorsPem && opts.trustAnchorsPem.length > 0 ? { trustAnchorsPem: [...opts.trustAnchorsPem] } : {}),
    at: opts.at,
  };
  const signed = entityBytes(msg, content);
  let verdict = await verifyDetached([signed], sig.bytes, verifyOpts);
  // RFC 5751 §3.1.1: the signature covers the canonical (CRLF) form. A copy whose line ends were
  // turned into bare LFs after signing (mail stores, archives) is checked in canonical form,
  // as OpenSSL does; the bytes themselves are not changed.
  if (verdict.problems.some((p) => p.code === 'SIGNATURE_DIGEST_MISMATCH')) {
    const canonical = normalizeCrlf(signed);
    if (canonical !== signed) {
      const again = await verifyDetached([canonical], sig.bytes, verifyOpts);
      if (again.status === 'valid') verdict = again;
    }
  }
  const anchors = (opts.trustAnchorsPem?.length ?? 0) > 0;
  problems.push(...verdict.problems.filter((p) => anchors || p.code !== 'CERT_CHAIN_UNTRUSTED'));
  let trusted = anchors ? verdict.trusted : opts.index !== undefined;
  let provider: string | undefined;
  const signer = verdict.signer;
  if (signer) {
    const from = parseAddressList(headerValue(root.headers, 'from'))[0]?.address;
    if (!from || !signer.email || from.toLowerCase() !== signer.email.toLowerCase()) {
      problems.push({ code: 'FROM_SIGNER_MISMATCH', message: `From <${from ?? ''}> is not the signer certificate's e-mail <${signer.email ?? 'none'}>` });
    }
    if (!anchors && (opts.at < signer.notBefore || opts.at > signer.notAfter)) {
      problems.push({ code: opts.at < signer.notBefore ? 'CERT_NOT_YET_VALID' : 'CERT_EXPIRED', message: `signer certificate valid ${signer.notBefore.toISOString()} to ${signer.notAfter.toISOString()}` });
      trusted = false;
    }
    if (opts.index) {
      const record = opts.index.providerForCertificate(signer.der);
      if (!record) {
        problems.push({ code: 'CERT_NOT_IN_INDEX', message: `signer certificate (SHA-1 ${signer.sha1}) is not a provider's in the providers' index` });
        trusted = false;
      } else {
        provider = record.name;
        const domain = signer.email?.split('@')[1]?.toLowerCase();
        const managed = record.managedDomains.map((x) => x.toLowerCase());
        if (domain && !managed.includes(domain) && record.mailReceipt.toLowerCase().split('@')[1] !== domain) {
          problems.push({ code: 'SIGNER_DOMAIN_NOT_MANAGED', message: `signer domain ${domain} is not managed by ${record.name}` });
        }
      }
    }
  } else {
    trusted = false;
  }
  if (verdict.status !== 'valid') trusted = false;
  const report: SignatureReport = {
    status: verdict.status,
    trusted,
    ...(signer ? {
      signer: {
        subject: signer.subject,
        ...(signer.email ? { email: signer.email } : {}),
        sha1: signer.sha1,
        notBefore: signer.notBefore.toISOString(),
        notAfter: signer.notAfter.toISOString(),
      },
    } : {}),
    ...(verdict.digest ? { digest: verdict.digest } : {}),
    ...(verdict.signingTime ? { signingTime: verdict.signingTime.toISOString() } : {}),
    ...(provider ? { provider } : {}),
  };
  return { report, content };
}
