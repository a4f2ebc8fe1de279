/**
 * From LDIF entries to {@link ProviderRecord}s and back, following the schema of RFC 6109 §8.2
 * (objectClass `provider`, arc 1.3.6.1.4.1.16572.2). A defective record is reported as a
 * problem and left out, never half-imported: the index decides which signatures are trusted
 * (RFC 6109 §7), so a record is taken whole or not at all.
 */
import type { Problem } from '../errors.ts';
import { encodeBase64 } from './codec.ts';
import type { LdifAttribute, LdifEntry, LdifLimits } from './ldif.ts';
import { ldifBytes, ldifText, ldifValues, parseLdif } from './ldif.ts';
import type { ProviderRecord } from './model.ts';
import { PROVIDERS_INDEX_BASE_DN } from './model.ts';
import { providerCertificateHash, isServiceMailbox, looksLikeDerSequence, normalizeCertificateHash, normalizeDomain } from './normalize.ts';

/** Result of reading an LDIF providers' index. */
export interface LdifProviders {
  /** The valid provider records, in file order. */
  providers: ProviderRecord[];
  /** Why entries were skipped or values dropped. */
  problems: Problem[];
}

/**
 * Reads the provider records of an LDIF providers' index (the whole directory or one provider's
 * own file). The base entry `o=postacert` is skipped; entries without objectClass `provider`
 * are reported and skipped; a record missing a MUST attribute, with a malformed single value,
 * or whose certificates' SHA-1 do not match its providerCertificateHash values is reported and
 * skipped.
 *
 * @throws {LdifError} when the content itself is not readable LDIF (see {@link parseLdif}).
 */
export function recordsFromLdif(input: string | Uint8Array, limits?: Partial<LdifLimits>): LdifProviders {
  const providers: ProviderRecord[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const entry of parseLdif(input, limits)) {
    const classes = ldifValues(entry, 'objectClass').map((a) => (ldifText(a) ?? '').trim().toLowerCase());
    if (!classes.includes('provider')) {
      if (normalizeDn(entry.dn) !== PROVIDERS_INDEX_BASE_DN) {
        problems.push(problem('PROVIDERS_INDEX_NOT_A_PROVIDER', entry, 'has no objectClass "provider"; skipped'));
      }
      continue;
    }
    const { record, problems: found } = providerFromEntry(entry);
    problems.push(...found);
    if (!record) continue;
    const key = `${record.name.toLowerCase()}\u0000${record.unit?.toLowerCase() ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(problem('PROVIDERS_INDEX_DUPLICATE_RECORD', entry, `describes the same environment as the record of line ${first}; skipped`));
      continue;
    }
    seen.set(key, entry.line);
    providers.push(record);
  }
  return { providers, problems };
}

function providerFromEntry(entry: LdifEntry): { record?: ProviderRecord; problems: Problem[] } {
  const problems: Problem[] = [];
  let fatal = false;
  const fail = (code: string, detail: string): void => {
    problems.push(problem(code, entry, detail));
    fatal = true;
  };
  const single = (type: string, must: boolean): string | undefined => {
    const values = ldifValues(entry, type);
    if (values.length === 0) {
      if (must) fail('PROVIDERS_INDEX_MISSING_ATTRIBUTE', `lacks the MUST attribute ${type}; skipped`);
      return undefined;
    }
    if (values.length > 1) fail('PROVIDERS_INDEX_BAD_VALUE', `has ${values.length} values of the single-valued ${type}; skipped`);
    const text = textOf(values[0], type, fail)?.trim();
    if (text === '') fail('PROVIDERS_INDEX_BAD_VALUE', `has an empty ${type}; skipped`);
    return text;
  };
  const many = (type: string): LdifAttribute[] => {
    const values = ldifValues(entry, type);
    if (values.length === 0) fail('PROVIDERS_INDEX_MISSING_ATTRIBUTE', `lacks the MUST attribute ${type}; skipped`);
    return values;
  };

  const name = single('providerName', true);
  const unit = single('providerUnit', false);
  const mailReceipt = single('mailReceipt', true);
  if (mailReceipt !== undefined && !isServiceMailbox(mailReceipt)) {
    fail('PROVIDERS_INDEX_BAD_VALUE', `mailReceipt "${mailReceipt}" is not a plain addr-spec; skipped`);
  }
  let ldifUrl = single('LDIFLocationURL', false);
  if (ldifUrl !== undefined && unit !== undefined) {
    // RFC 6109 §4.5: secondary environments MUST NOT carry LDIFLocationURL. Harmless to us,
    // so the value is dropped and the record kept.
    problems.push(problem('PROVIDERS_INDEX_BAD_VALUE', entry, 'is a secondary environment (providerUnit) and must not carry LDIFLocationURL; value ignored'));
    ldifUrl = undefined;
  }
  const description = ldifValues(entry, 'description').map((a) => ldifText(a)).find((t) => t !== undefined);

  // A Set keeps de-duplication linear: a provider may list many thousands of customer domains.
  const domainSet = new Set<string>();
  for (const attr of many('managedDomains')) {
    const text = textOf(attr, 'managedDomains', fail);
    const domain = text === undefined ? undefined : normalizeDomain(text);
    if (domain === undefined) {
      problems.push(problem('PROVIDERS_INDEX_BAD_VALUE', entry, `managedDomains "${text ?? ''}" (line ${attr.line}) is not a domain name; value ignored`));
    } else {
      domainSet.add(domain);
    }
  }
  const managedDomains = [...domainSet];
  if (managedDomains.length === 0 && ldifValues(entry, 'managedDomains').length > 0) fail('PROVIDERS_INDEX_BAD_VALUE', 'has no valid managedDomains; skipped');

  const listed = new Set<string>();
  for (const attr of many('providerCertificateHash')) {
    const text = textOf(attr, 'providerCertificateHash', fail);
    const hash = text === undefined ? undefined : normalizeCertificateHash(text);
    if (hash === undefined) fail('PROVIDERS_INDEX_BAD_VALUE', `providerCertificateHash "${text ?? ''}" (line ${attr.line}) is not a SHA-1 in hex; skipped`);
    else listed.add(hash);
  }
  const certificates: Uint8Array[] = [];
  const certificateHashes: string[] = [];
  for (const attr of many('providerCertificate')) {
    const der = ldifBytes(attr);
    if (!looksLikeDerSequence(der)) {
      fail('PROVIDERS_INDEX_BAD_VALUE', `providerCertificate (line ${attr.line}) is not a DER certificate; skipped`);
      continue;
    }
    const hash = providerCertificateHash(der);
    if (certificateHashes.includes(hash)) continue;
    certificates.push(der);
    certificateHashes.push(hash);
  }
  if (!fatal) {
    // RFC 6109 §4.5 / §5.6: each certificate is listed with its SHA-1. A certificate without
    // its hash, or a hash without its certificate, means a corrupted or tampered record.
    const unlisted = certificateHashes.filter((h) => !listed.has(h));
    const orphan = [...listed].filter((h) => !certificateHashes.includes(h));
    if (unlisted.length > 0 || orphan.length > 0) {
      const parts = [
        ...unlisted.map((h) => `certificate SHA-1 ${h} is not among providerCertificateHash`),
        ...orphan.map((h) => `providerCertificateHash ${h} matches no providerCertificate`),
      ];
      fail('PROVIDERS_INDEX_HASH_MISMATCH', `${parts.join('; ')}; skipped`);
    }
  }
  if (fatal || name === undefined || mailReceipt === undefined) return { problems };
  const record: ProviderRecord = { name, certificateHashes, certificates, mailReceipt, managedDomains };
  if (unit !== undefined) record.unit = unit;
  if (ldifUrl !== undefined) record.ldifUrl = ldifUrl;
  if (description !== undefined) record.description = description;
  return { record, problems };
}

function textOf(attr: LdifAttribute | undefined, type: string, fail: (code: string, detail: string) => void): string | undefined {
  if (attr === undefined) return undefined;
  const text = ldifText(attr);
  if (text === undefined) fail('PROVIDERS_INDEX_BAD_VALUE', `${type} (line ${attr.line}) is not valid UTF-8; skipped`);
  return text;
}

function problem(code: string, entry: LdifEntry, detail: string): Problem {
  return { code, message: `record "${entry.dn}" (line ${entry.line}) ${detail}` };
}

/** Lower case, no blanks around `=` and `,`: enough to recognise the base DN. */
function normalizeDn(dn: string): string {
  return dn.trim().replace(/\s*([=,])\s*/g, '$1').toLowerCase();
}

/** Options of {@link writeLdif}. */
export interface WriteLdifOptions {
  /** Line ending; LF by default (RFC 2849 SEP allows both). */
  eol?: '\n' | '\r\n';
}

/**
 * Writes provider records as LDIF content (RFC 2849): `version: 1`, one entry per record with
 * DN `providerName=...,o=postacert` (or `providerUnit=...,providerName=...,o=postacert`),
 * hashes computed from the certificates, certificates as `providerCertificate;binary::`. Values
 * outside SAFE-STRING are base64; lines are folded at 76 columns. `route` is never written.
 */
export function writeLdif(records: readonly ProviderRecord[], options: WriteLdifOptions = {}): string {
  const eol = options.eol ?? '\n';
  const lines: string[] = ['version: 1'];
  for (const r of records) {
    let dn = `providerName=${escapeRdnValue(r.name)},${PROVIDERS_INDEX_BASE_DN}`;
    if (r.unit !== undefined) dn = `providerUnit=${escapeRdnValue(r.unit)},${dn}`;
    lines.push('', attrLine('dn', dn), 'objectClass: top', 'objectClass: provider', attrLine('providerName', r.name));
    if (r.unit !== undefined) lines.push(attrLine('providerUnit', r.unit));
    for (const der of r.certificates) lines.push(attrLine('providerCertificateHash', providerCertificateHash(der)));
    for (const der of r.certificates) lines.push(`providerCertificate;binary:: ${encodeBase64(der)}`);
    lines.push(attrLine('mailReceipt', r.mailReceipt));
    for (const d of r.managedDomains) lines.push(attrLine('managedDomains', d));
    // RFC 6109 §4.5: only the main environment's record carries LDIFLocationURL.
    if (r.ldifUrl !== undefined && r.unit === undefined) lines.push(attrLine('LDIFLocationURL', r.ldifUrl));
    if (r.description !== undefined) lines.push(attrLine('description', r.description));
  }
  return lines.flatMap(fold).join(eol) + eol;
}

/** RFC 2849 SAFE-STRING, and no trailing space (note 8 says such values SHOULD be base64). */
function isSafeString(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/.test(v) && !v.endsWith(' ');
}

function attrLine(type: string, value: string): string {
  if (isSafeString(value)) return value === '' ? `${type}:` : `${type}: ${value}`;
  return `${type}:: ${encodeBase64(new TextEncoder().encode(value))}`;
}

/** RFC 2849 note 2: fold by a line break and one space; 76 columns keeps files mail-safe. */
function fold(line: string): string[] {
  if (line.length <= 76) return [line];
  const out = [line.slice(0, 76)];
  for (let i = 76; i < line.length; i += 75) out.push(` ${line.slice(i, i + 75)}`);
  return out;
}

/** Escapes an attribute value for a DN string (RFC 4514 §2.4). */
function escapeRdnValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  let out = v.replace(/[\\,+"<>;=\x00]/g, (c) => (c === '\x00' ? '\\00' : `\\${c}`));
  const lead = v.startsWith(' ') || v.startsWith('#');
  // A lone space is both leading and trailing: one escape covers it.
  if (v.endsWith(' ') && !(lead && v.length === 1)) out = `${out.slice(0, -1)}\\ `;
  if (lead) out = `\\${out}`;
  return out;
}
