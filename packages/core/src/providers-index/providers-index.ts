/**
 * The local copy of the providers' index and its two lookups (RFC 6109 §4.5): by domain when
 * the Access Point classifies recipients as certified or not (§2.2.1), by certificate when the
 * Incoming Point checks who signed an arriving message (§2.2.2). Immutable: `add` and `merge`
 * return a new index, so a daily refresh can swap the whole object atomically.
 */
import type { Problem } from '../errors.ts';
import type { ProviderRecord } from './model.ts';
import { addressDomain, providerCertificateHash, normalizeCertificateHash, normalizeDomain, sameBytes } from './normalize.ts';

interface Slot {
  readonly record: ProviderRecord;
  /** Private copies of the certificates: what callers do to returned records cannot change
   * what the index trusts. */
  readonly certificates: readonly Uint8Array[];
  readonly hashes: readonly string[];
}

/** The providers' index: lookups by domain, address, certificate and certificate hash. */
export class ProvidersIndex {
  readonly #slots: readonly Slot[];
  readonly #byDomain = new Map<string, Slot[]>();
  readonly #byHash = new Map<string, Slot[]>();
  readonly #problems: Problem[] = [];

  /** Builds an index; inconsistencies (a domain in two records) are kept in {@link problems}. */
  constructor(records: readonly ProviderRecord[] = []) {
    this.#slots = records.map((r) => toSlot(r, this.#problems));
    for (const slot of this.#slots) {
      for (const d of slot.record.managedDomains) {
        const list = this.#byDomain.get(d);
        if (list === undefined) {
          this.#byDomain.set(d, [slot]);
        } else {
          // RFC 6109 §4.5: a domain belongs to one provider. Keeping the first keeps lookups
          // deterministic; the problem tells the operator to fix the source.
          const first = list[0]?.record;
          this.#problems.push({
            code: 'PROVIDERS_INDEX_DUPLICATE_DOMAIN',
            message: `domain "${d}" is listed by ${describe(first)} and by ${describe(slot.record)}; lookups use the first`,
          });
          list.push(slot);
        }
      }
      for (const h of slot.hashes) {
        const list = this.#byHash.get(h);
        if (list === undefined) this.#byHash.set(h, [slot]);
        else list.push(slot);
      }
    }
  }

  /** Findings made while building the index: `PROVIDERS_INDEX_DUPLICATE_DOMAIN`, and for
   * hand-built records `PROVIDERS_INDEX_HASH_MISMATCH` or `PROVIDERS_INDEX_BAD_VALUE`. */
  get problems(): readonly Problem[] {
    return this.#problems;
  }

  /** Number of records. */
  get size(): number {
    return this.#slots.length;
  }

  /** All records, in insertion order. */
  all(): readonly ProviderRecord[] {
    return this.#slots.map((s) => s.record);
  }

  /** The record managing `domain` (case-insensitive, IDN-aware), first one if listed twice. */
  providerForDomain(domain: string): ProviderRecord | undefined {
    return this.providersForDomain(domain)[0];
  }

  /** Every record listing `domain`: normally one; more only in an inconsistent index. */
  providersForDomain(domain: string): readonly ProviderRecord[] {
    const d = normalizeDomain(domain);
    return d === undefined ? [] : (this.#byDomain.get(d) ?? []).map((s) => s.record);
  }

  /** True if `domain` is a PEC domain (listed in some managedDomains). */
  isCertifiedDomain(domain: string): boolean {
    return this.providerForDomain(domain) !== undefined;
  }

  /** True if the domain of `address` (`local@domain`, optionally in angle brackets) is a PEC
   * domain. Only the domain decides: the index knows no mailboxes. */
  isCertifiedAddress(address: string): boolean {
    const d = addressDomain(address);
    return d !== undefined && this.#byDomain.has(d);
  }

  /**
   * The record whose certificate is exactly `der`: SHA-1 of the DER looked up in
   * providerCertificateHash, then the bytes compared with the record's certificate (RFC 6109
   * §2.2.2 step 2; a hash match alone is not enough).
   */
  providerForCertificate(der: Uint8Array): ProviderRecord | undefined {
    return this.providersForCertificate(der)[0];
  }

  /** Every record holding exactly `der` (a main record and a secondary environment may share
   * one certificate; the RFC 6109 §7 From-domain check needs to see them all). */
  providersForCertificate(der: Uint8Array): readonly ProviderRecord[] {
    const hash = providerCertificateHash(der);
    const slots = this.#byHash.get(hash) ?? [];
    return slots.filter((s) => s.certificates.some((c) => sameBytes(c, der))).map((s) => s.record);
  }

  /** The first record listing `hex` (SHA-1, any case, `:` separators allowed) as a
   * providerCertificateHash. Prefer {@link providerForCertificate} when the bytes are at hand. */
  providerForCertificateHash(hex: string): ProviderRecord | undefined {
    const h = normalizeCertificateHash(hex);
    return h === undefined ? undefined : this.#byHash.get(h)?.[0]?.record;
  }

  /** A new index with `record` appended. */
  add(record: ProviderRecord): ProvidersIndex {
    return new ProvidersIndex([...this.all(), record]);
  }

  /** A new index with `other`'s records (or the given records) appended. */
  merge(other: ProvidersIndex | readonly ProviderRecord[]): ProvidersIndex {
    const more = other instanceof ProvidersIndex ? other.all() : other;
    return new ProvidersIndex([...this.all(), ...more]);
  }
}

/**
 * Copies and freezes a record. The hashes are the record's own providerCertificateHash values
 * (normalized), not recomputed: lookups follow RFC 6109 §2.2.2 literally (hash first, then
 * bytes), so a record whose hash matches but whose certificate differs is never a match.
 */
function toSlot(r: ProviderRecord, problems: Problem[]): Slot {
  const certificates = r.certificates.map((c) => Uint8Array.from(c));
  const hashes: string[] = [];
  for (const h of r.certificateHashes) {
    const n = normalizeCertificateHash(h);
    if (n === undefined) problems.push({ code: 'PROVIDERS_INDEX_BAD_VALUE', message: `${describe(r)}: providerCertificateHash "${h}" is not a SHA-1 in hex; ignored` });
    else if (!hashes.includes(n)) hashes.push(n);
  }
  const computed = certificates.map(providerCertificateHash);
  if (computed.some((h) => !hashes.includes(h)) || hashes.some((h) => !computed.includes(h))) {
    problems.push({ code: 'PROVIDERS_INDEX_HASH_MISMATCH', message: `${describe(r)}: certificate hashes and certificates do not match; only certificates matching a listed hash will be recognised` });
  }
  const domains = new Set<string>();
  for (const d of r.managedDomains) {
    const n = normalizeDomain(d);
    if (n === undefined) problems.push({ code: 'PROVIDERS_INDEX_BAD_VALUE', message: `${describe(r)}: managed domain "${d}" is not a domain name; ignored` });
    else domains.add(n);
  }
  const record: ProviderRecord = {
    name: r.name,
    certificateHashes: Object.freeze([...hashes]) as string[],
    certificates: Object.freeze(certificates.map((c) => Uint8Array.from(c))) as Uint8Array[],
    mailReceipt: r.mailReceipt,
    managedDomains: Object.freeze([...domains]) as string[],
  };
  if (r.unit !== undefined) record.unit = r.unit;
  if (r.ldifUrl !== undefined) record.ldifUrl = r.ldifUrl;
  if (r.description !== undefined) record.description = r.description;
  if (r.route !== undefined) record.route = r.route;
  return { record: Object.freeze(record), certificates, hashes };
}

function describe(r: ProviderRecord | undefined): string {
  if (r === undefined) return 'an unknown record';
  return r.unit === undefined ? `"${r.name}"` : `"${r.name}" (unit "${r.unit}")`;
}
