/**
 * A JSON form of the providers' index for tests and private deployments, where no signed LDIF
 * exists. Certificates are PEM; hashes are always computed, never written by hand, so the
 * hash/certificate pairing of RFC 6109 §4.5 cannot drift. Validation is strict and every error
 * names its path (`providers[2].domains[0]`).
 *
 * ```json
 * { "providers": [ { "name": "Example PEC", "mailReceipt": "posta-certificata@pec.example.it",
 *     "domains": ["pec.example.it"], "certificates": ["-----BEGIN CERTIFICATE-----\n..."],
 *     "route": "127.0.0.1:2525" } ] }
 * ```
 */
import { RecapitoError } from '../errors.ts';
import { derToPem, pemToDer } from './codec.ts';
import type { ProviderRecord } from './model.ts';
import { providerCertificateHash, isServiceMailbox, looksLikeDerSequence, normalizeDomain } from './normalize.ts';

/** One validation finding of the file form. */
export interface ProvidersFileIssue {
  /** Where, e.g. `providers[2].domains[0]`. */
  readonly path: string;
  readonly message: string;
}

/** Thrown by {@link parseProvidersFile}; `issues` lists every finding (up to a cap). */
export class ProvidersFileError extends RecapitoError {
  readonly issues: readonly ProvidersFileIssue[];
  constructor(issues: readonly ProvidersFileIssue[]) {
    super('PROVIDERS_FILE_INVALID', `invalid providers file: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ProvidersFileError';
    this.issues = issues;
  }
}

// Bounds: the file is configuration, but may be handed over by another party.
const MAX_FILE_CHARS = 16 * 1024 * 1024;
const MAX_PROVIDERS = 10_000;
const MAX_ISSUES = 50;
const MAX_TEXT = 1024;

const PROVIDER_KEYS = new Set(['name', 'unit', 'mailReceipt', 'domains', 'certificates', 'route', 'description', 'ldifUrl']);

/**
 * Parses and validates the JSON file form into provider records.
 * @throws {ProvidersFileError} (code `PROVIDERS_FILE_INVALID`) naming the path of each problem.
 */
export function parseProvidersFile(text: string): ProviderRecord[] {
  if (text.length > MAX_FILE_CHARS) throw new ProvidersFileError([{ path: '$', message: `file larger than ${MAX_FILE_CHARS} characters` }]);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ProvidersFileError([{ path: '$', message: `not valid JSON (${err instanceof Error ? err.message : String(err)})` }]);
  }
  const issues: ProvidersFileIssue[] = [];
  const issue = (path: string, message: string): void => {
    if (issues.length < MAX_ISSUES) issues.push({ path, message });
  };
  if (!isObject(doc)) throw new ProvidersFileError([{ path: '$', message: 'must be an object {"providers": [...]}' }]);
  for (const key of Object.keys(doc)) if (key !== 'providers') issue(key, 'unknown key (only "providers" is allowed)');
  const list = doc['providers'];
  if (!Array.isArray(list)) throw new ProvidersFileError([...issues, { path: 'providers', message: 'must be an array' }]);
  if (list.length > MAX_PROVIDERS) throw new ProvidersFileError([{ path: 'providers', message: `more than ${MAX_PROVIDERS} providers` }]);

  const records: ProviderRecord[] = [];
  const environments = new Map<string, string>();
  const domainOwner = new Map<string, string>();
  list.forEach((item: unknown, i) => {
    const path = `providers[${i}]`;
    const record = providerFromJson(item, path, issue);
    if (!record) return;
    const key = `${record.name.toLowerCase()}\u0000${record.unit?.toLowerCase() ?? ''}`;
    const other = environments.get(key);
    if (other !== undefined) issue(path, `same name and unit as ${other}`);
    environments.set(key, path);
    record.managedDomains.forEach((d, j) => {
      const owner = domainOwner.get(d);
      if (owner !== undefined) issue(`${path}.domains[${j}]`, `"${d}" is already listed by ${owner}`);
      else domainOwner.set(d, path);
    });
    records.push(record);
  });
  if (issues.length > 0) throw new ProvidersFileError(issues);
  return records;
}

type Report = (path: string, message: string) => void;

function providerFromJson(item: unknown, path: string, issue: Report): ProviderRecord | undefined {
  if (!isObject(item)) {
    issue(path, 'must be an object');
    return undefined;
  }
  const own = { count: 0 };
  const report: Report = (p, m) => {
    own.count++;
    issue(p, m);
  };
  for (const key of Object.keys(item)) if (!PROVIDER_KEYS.has(key)) report(`${path}.${key}`, `unknown key (allowed: ${[...PROVIDER_KEYS].join(', ')})`);
  const name = text(item, 'name', path, true, report);
  const unit = text(item, 'unit', path, false, report);
  const description = text(item, 'description', path, false, report);
  const ldifUrl = text(item, 'ldifUrl', path, false, report);
  const mailReceipt = text(item, 'mailReceipt', path, true, report);
  if (mailReceipt !== undefined && !isServiceMailbox(mailReceipt)) report(`${path}.mailReceipt`, `"${mailReceipt}" is not a plain address like posta-certificata@pec.example.it`);
  const route = text(item, 'route', path, false, report);
  if (route !== undefined && !isRoute(route)) report(`${path}.route`, `"${route}" is not "host:port" (port 1-65535; IPv6 as [addr]:port)`);

  const domainSet = new Set<string>();
  for (const [p, value] of strings(item, 'domains', path, report)) {
    const d = normalizeDomain(value);
    if (d === undefined) report(p, `"${value}" is not a domain name`);
    else if (domainSet.has(d)) report(p, `"${value}" is listed twice`);
    else domainSet.add(d);
  }
  const certificates: Uint8Array[] = [];
  const certificateHashes: string[] = [];
  for (const [p, value] of strings(item, 'certificates', path, report)) {
    const der = pemToDer(value);
    if (typeof der === 'string') report(p, der);
    else if (!looksLikeDerSequence(der)) report(p, 'is not a DER certificate inside the PEM block');
    else {
      const hash = providerCertificateHash(der);
      if (certificateHashes.includes(hash)) report(p, 'is listed twice');
      else {
        certificates.push(der);
        certificateHashes.push(hash);
      }
    }
  }
  if (own.count > 0 || name === undefined || mailReceipt === undefined) return undefined;
  const record: ProviderRecord = { name, certificateHashes, certificates, mailReceipt, managedDomains: [...domainSet] };
  if (unit !== undefined) record.unit = unit;
  if (ldifUrl !== undefined) record.ldifUrl = ldifUrl;
  if (description !== undefined) record.description = description;
  if (route !== undefined) record.route = route;
  return record;
}

function text(obj: Record<string, unknown>, key: string, path: string, required: boolean, report: Report): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (required) report(`${path}.${key}`, 'is required');
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    report(`${path}.${key}`, 'must be a non-empty string');
    return undefined;
  }
  if (v.length > MAX_TEXT) {
    report(`${path}.${key}`, `longer than ${MAX_TEXT} characters`);
    return undefined;
  }
  return v.trim();
}

function strings(obj: Record<string, unknown>, key: string, path: string, report: Report): [string, string][] {
  const v = obj[key];
  if (!Array.isArray(v) || v.length === 0) {
    report(`${path}.${key}`, v === undefined ? 'is required (a non-empty array of strings)' : 'must be a non-empty array of strings');
    return [];
  }
  const out: [string, string][] = [];
  v.forEach((s: unknown, i) => {
    if (typeof s === 'string' && s.trim() !== '') out.push([`${path}.${key}[${i}]`, s]);
    else report(`${path}.${key}[${i}]`, 'must be a non-empty string');
  });
  return out;
}

function isRoute(route: string): boolean {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(route);
  if (!m) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  if (m[1] !== undefined) return m[1].includes(':');
  const host = m[2] ?? '';
  const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$/;
  return ipv4.test(host) || normalizeDomain(host) !== undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Serializes provider records to the JSON file form (2-space indent, PEM certificates). */
export function serializeProvidersFile(records: readonly ProviderRecord[]): string {
  const providers = records.map((r) => {
    const out: Record<string, unknown> = { name: r.name };
    if (r.unit !== undefined) out['unit'] = r.unit;
    out['mailReceipt'] = r.mailReceipt;
    out['domains'] = [...r.managedDomains];
    out['certificates'] = r.certificates.map(derToPem);
    if (r.route !== undefined) out['route'] = r.route;
    if (r.ldifUrl !== undefined) out['ldifUrl'] = r.ldifUrl;
    if (r.description !== undefined) out['description'] = r.description;
    return out;
  });
  return `${JSON.stringify({ providers }, null, 2)}\n`;
}

/** Alias of {@link parseProvidersFile}, the name the command-line tools use. */
export const parseIndexFile = parseProvidersFile;

/** Alias of {@link serializeProvidersFile}. */
export const serializeIndexFile = serializeProvidersFile;
