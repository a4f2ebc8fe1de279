/**
 * X.509 name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c)). AgID CA1 limits the e-mail
 * domains, subject prefixes and IP addresses its provider certificates may carry (digest §5.2),
 * so a verifier must apply them; each form is checked here against the parsed extension, and a
 * constrained form we cannot process fails closed, as §4.2.1.10 requires.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const ID_NAME_CONSTRAINTS = '2.5.29.30';
const ID_SUBJECT_ALT_NAME = '2.5.29.17';
const ID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1'; // legacy emailAddress attribute in subjects

// GeneralName CHOICE tags (RFC 5280 §4.2.1.6).
const RFC822 = 1;
const DNS = 2;
const DIRECTORY = 4;
const IP = 7;

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  [ID_EMAIL_ADDRESS]: 'emailAddress',
};

/** A distinguished name as `C=IT, O=…, CN=…` for messages. */
export function dnToString(dn: pkijs.RelativeDistinguishedNames): string {
  return dn.typesAndValues
    .map((t) => `${SHORT_NAMES[t.type] ?? t.type}=${String((t.value as asn1js.BaseStringBlock).valueBlock?.value ?? '?')}`)
    .join(', ');
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** A parsed extension value, or undefined when pkijs could not read it. */
function parsed<T>(ext: pkijs.Extension, type: abstract new (...args: never[]) => T): T | undefined {
  const v: unknown = ext.parsedValue;
  if (!(v instanceof type) || (v as { parsingError?: string }).parsingError) return undefined;
  return v;
}

/** The names of a certificate, by GeneralName tag: subject DN, emailAddress attributes, SANs. */
function namesOf(cert: pkijs.Certificate): Map<number, unknown[]> | string {
  const names = new Map<number, unknown[]>();
  const add = (type: number, value: unknown): void => {
    names.set(type, [...(names.get(type) ?? []), value]);
  };
  // §4.2.1.10: the subject is checked against directoryName constraints unless it is empty,
  // and emailAddress attributes of the subject against rfc822Name constraints.
  if (cert.subject.typesAndValues.length > 0) add(DIRECTORY, cert.subject);
  for (const t of cert.subject.typesAndValues) {
    if (t.type === ID_EMAIL_ADDRESS) add(RFC822, String((t.value as asn1js.BaseStringBlock).valueBlock?.value ?? ''));
  }
  const sanExt = extension(cert, ID_SUBJECT_ALT_NAME);
  if (sanExt) {
    const san = parsed(sanExt, pkijs.AltName);
    if (!san) return 'its subjectAltName cannot be read';
    for (const gn of san.altNames) add(gn.type, gn.value);
  }
  return names;
}

/** RFC 5280 §4.2.1.10 rfc822Name rule: a mailbox, a host, or (leading ".") hosts below a domain. */
export function emailWithin(address: string, constraint: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const host = address.slice(at + 1).toLowerCase();
  const c = constraint.toLowerCase();
  const cat = constraint.lastIndexOf('@');
  if (cat >= 0) {
    // A whole mailbox: the local part compares exactly, the host case-insensitively.
    return address.slice(0, at) === constraint.slice(0, cat) && host === c.slice(cat + 1);
  }
  if (c.startsWith('.')) return host.endsWith(c);
  return host === c;
}

/** RFC 5280 §4.2.1.10 dNSName rule: the name is the constraint with zero or more labels added on the left. */
export function dnsWithin(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const c = constraint.toLowerCase().replace(/\.$/, '');
  if (c === '') return true;
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

/** RFC 5280 §4.2.1.10 directoryName rule: the constraint's RDNs are a prefix of the name's. */
export function dnWithin(name: pkijs.RelativeDistinguishedNames, constraint: pkijs.RelativeDistinguishedNames): boolean {
  const base = constraint.typesAndValues;
  const full = name.typesAndValues;
  if (base.length > full.length) return false;
  // AttributeTypeAndValue.isEqual compares strings after case folding and space compression (RFC 5280 §7.1).
  return base.every((b, i) => full[i]!.isEqual(b));
}

/** RFC 5280 §4.2.1.10 iPAddress rule: same family, equal under the constraint's mask. */
export function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== address.length * 2 || (address.length !== 4 && address.length !== 16)) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = constraint[address.length + i]!;
    if ((address[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

function octets(v: unknown): Uint8Array {
  return v instanceof asn1js.OctetString ? new Uint8Array(v.valueBlock.valueHexView) : new Uint8Array(0);
}

/** true / false, or undefined when the name form is one we do not process. */
function within(type: number, name: unknown, base: pkijs.GeneralName): boolean | undefined {
  switch (type) {
    case RFC822: return emailWithin(String(name), String(base.value));
    case DNS: return dnsWithin(String(name), String(base.value));
    case DIRECTORY:
      return name instanceof pkijs.RelativeDistinguishedNames && base.value instanceof pkijs.RelativeDistinguishedNames
        ? dnWithin(name, base.value) : false;
    case IP: return ipWithin(octets(name), octets(base.value));
    default: return undefined;
  }
}

function describe(type: number, name: unknown): string {
  switch (type) {
    case RFC822: return `e-mail ${String(name)}`;
    case DNS: return `DNS name ${String(name)}`;
    case DIRECTORY: return `name "${name instanceof pkijs.RelativeDistinguishedNames ? dnToString(name) : '?'}"`;
    case IP: return `IP address ${Buffer.from(octets(name)).toString('hex')}`;
    default: return `name of form [${type}]`;
  }
}

/**
 * Checks the names of `cert` against the nameConstraints of `ca` (if any).
 * @returns undefined when permitted, otherwise why not.
 */
export function nameConstraintsViolation(ca: pkijs.Certificate, cert: pkijs.Certificate): string | undefined {
  const ext = extension(ca, ID_NAME_CONSTRAINTS);
  if (!ext) return undefined;
  const nc = parsed(ext, pkijs.NameConstraints);
  if (!nc) return `the nameConstraints of "${dnToString(ca.subject)}" cannot be read`;
  const names = namesOf(cert);
  if (typeof names === 'string') return `"${dnToString(cert.subject)}": ${names}`;
  const permitted = nc.permittedSubtrees ?? [];
  const excluded = nc.excludedSubtrees ?? [];
  for (const [type, values] of names) {
    const perm = permitted.filter((s) => s.base.type === type);
    const excl = excluded.filter((s) => s.base.type === type);
    for (const value of values) {
      // §6.1.3 (b)–(c): a name must fall in no excluded subtree and, when subtrees of its form
      // are permitted, in at least one of them. Unknown forms fail closed either way.
      if (excl.some((s) => within(type, value, s.base) !== false)) {
        return `${describe(type, value)} is excluded by "${dnToString(ca.subject)}"`;
      }
      if (perm.length > 0 && !perm.some((s) => within(type, value, s.base) === true)) {
        return `${describe(type, value)} is outside the names permitted by "${dnToString(ca.subject)}"`;
      }
    }
  }
  return undefined;
}
