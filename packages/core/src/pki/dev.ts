/**
 * The development PKI of `recapito pki init`: root → intermediate constrained to the provider's
 * domain (like AgID CA1, digest §5.2) → provider certificate. Signatures carry the leaf and the
 * intermediate, never the root, as real providers do.
 */
import * as x509 from '@peculiar/x509';
import { createIntermediateCa, createRootCa, issueProviderCertificate, normalizeDomain, type Issued } from './issue.ts';

/** Options of {@link createDevPki}. */
export interface DevPkiOptions {
  /** Provider mail domain; the certificate e-mail is `posta-certificata@<domain>`. */
  domain: string;
  /** Provider name (certificate O and CN, index `providerName`). */
  providerName: string;
  /** Reuse this root instead of creating one; a fresh intermediate is issued for the domain. */
  ca?: Issued;
  /** Issuance time, from the caller's clock. */
  now: Date;
}

/** What {@link createDevPki} returns. */
export interface DevPki {
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly provider: Issued;
  /** Leaf then intermediate, PEM: the chain a signer includes (`provider.pem`). */
  readonly providerChainPem: string;
}

// Certificates start an hour before `now` so that peers whose clocks lag a little (RFC 6109
// only asks for 1 s accuracy of the provider, not of everyone) do not see "not yet valid".
const BACKDATE_MS = 3_600_000;

/** Creates (or extends, with `ca`) a development PKI for one provider domain. */
export async function createDevPki(opts: DevPkiOptions): Promise<DevPki> {
  const domain = normalizeDomain(opts.domain);
  const validFrom = new Date(opts.now.getTime() - BACKDATE_MS);
  const root = opts.ca ?? await createRootCa({ validFrom, validDays: 3650 });
  // The directoryName constraint pins the subject prefix as AgID CA1 does (C, O of the provider).
  const providerDn = new x509.Name([{ C: ['IT'] }, { O: [opts.providerName] }]).toString();
  const intermediate = await createIntermediateCa(root, {
    // ub-common-name is 64 characters (RFC 5280 appendix A.1).
    commonName: `Recapito CA1 ${domain}`.slice(0, 64),
    organization: 'Recapito development PKI',
    permittedEmailDomains: [domain],
    permittedDirectoryNames: [providerDn],
    validFrom,
    validDays: 1825,
  });
  const provider = await issueProviderCertificate(intermediate, {
    domain,
    providerName: opts.providerName,
    validFrom,
    validDays: 1095,
  });
  return { root, intermediate, provider, providerChainPem: provider.certificatePem + intermediate.certificatePem };
}
