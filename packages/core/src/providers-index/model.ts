/**
 * The providers' index (indice dei gestori di PEC) as Recapito sees it: one record per provider
 * environment, as published in the LDAP directory under `o=postacert` (RFC 6109 §4.5, §8.2).
 */

/**
 * One entry of the providers' index: a provider's main environment (no `unit`) or one of its
 * secondary environments (`unit` set, LDAP attribute `providerUnit`).
 */
export interface ProviderRecord {
  /** `providerName`: must also appear in the signing certificate's subject O or CN. */
  name: string;
  /** `providerUnit`: name of a secondary environment; absent on the main record. */
  unit?: string;
  /**
   * `providerCertificateHash`: SHA-1 of each DER certificate, uppercase hex, no separators.
   * Same length and order as `certificates` when the record comes from this module.
   */
  certificateHashes: string[];
  /** `providerCertificate;binary`: the provider's signing certificates, DER. Several during a
   * rollover (RFC 6109 §4.5: the new certificate is added before the old one expires). */
  certificates: Uint8Array[];
  /** `mailReceipt`: service mailbox for take-in-charge and virus notices (addr-spec). */
  mailReceipt: string;
  /** `managedDomains`: PEC domains handled by this environment, lower case. */
  managedDomains: string[];
  /** `LDIFLocationURL`: where the provider publishes its signed LDIF (main record only). */
  ldifUrl?: string;
  /** `description`. */
  description?: string;
  /**
   * `host:port` to deliver to instead of the MX lookup. Not an index attribute: private
   * deployments and tests only, never read from or written to LDIF.
   */
  route?: string;
}

/** Object identifiers of the schema (RFC 6109 §8.2), for documentation and schema export. */
export const PROVIDERS_INDEX_OIDS = Object.freeze({
  providerCertificateHash: '1.3.6.1.4.1.16572.2.2.1',
  providerCertificate: '1.3.6.1.4.1.16572.2.2.2',
  providerName: '1.3.6.1.4.1.16572.2.2.3',
  mailReceipt: '1.3.6.1.4.1.16572.2.2.4',
  managedDomains: '1.3.6.1.4.1.16572.2.2.5',
  LDIFLocationURL: '1.3.6.1.4.1.16572.2.2.6',
  providerUnit: '1.3.6.1.4.1.16572.2.2.7',
  LDIFLocationURLObject: '1.3.6.1.4.1.16572.2.1.1',
  provider: '1.3.6.1.4.1.16572.2.1.2',
});

/** The base DN of the directory (RFC 6109 §4.5). */
export const PROVIDERS_INDEX_BASE_DN = 'o=postacert';
