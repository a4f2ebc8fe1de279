/**
 * Mailbox endpoints given on the command line or in a batch file, as IMAP URLs (RFC 5092 scheme
 * names, RFC 3986 syntax) restricted to what a migration needs: scheme, user, host and port.
 *
 * - `imaps://` is implicit TLS on port 993 (RFC 8314 §3.3); `imap://` is port 143 with STARTTLS
 *   when the server offers it (RFC 3501 §6.2.1).
 * - The user is a mailbox address more often than not, so an unencoded `@` is accepted: the LAST
 *   `@` of the authority separates user and host (`imaps://utente@pec.comune.it@host`).
 *   `/`, `?`, `#` and `:` in a user must be percent-encoded, as RFC 3986 §3.2.1 requires.
 * - A password in the URL is refused: argv is visible to every local user (`ps`) and lands in
 *   shell history. `;AUTH=` (RFC 5092 §3.2) is refused too: the mechanism is negotiated.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { hasControl, MigrateError } from './errors.ts';

/** A parsed endpoint. `url` is canonical (explicit port, user percent-encoded) and has no secret. */
export interface Endpoint {
  readonly url: string;
  readonly security: 'tls' | 'starttls';
  /** Lower-case; IPv6 without brackets; internationalised names in A-label (punycode) form. */
  readonly host: string;
  readonly port: number;
  /** Decoded login, exactly as it will be sent to the server. */
  readonly user: string;
}

/** Longest URL accepted: far above any real one, low enough to keep errors readable. */
const MAX_URL = 2048;
/** RFC 5321 §4.5.3.1 caps an address at 254 octets in practice; logins are no longer. */
const MAX_USER = 320;

const DEFAULT_PORT = { imaps: 993, imap: 143 } as const;

/** Parses `imaps://user@host:port` or `imap://user@host:port`; throws {@link MigrateError}. */
export function parseEndpoint(url: string): Endpoint {
  if (typeof url !== 'string' || url.length === 0) throw new MigrateError('URL_INVALID', 'empty');
  if (url.length > MAX_URL) throw new MigrateError('URL_INVALID', `longer than ${MAX_URL} characters`);
  // Whitespace or controls would end up in an IMAP command (CRLF injection) or are a paste error.
  if (hasControl(url) || /\s/.test(url)) throw new MigrateError('URL_INVALID', 'contains spaces or control characters');

  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!m) throw new MigrateError('URL_INVALID', 'missing "imaps://" or "imap://"');
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'imaps' && scheme !== 'imap') throw new MigrateError('URL_SCHEME_UNSUPPORTED', `scheme "${scheme}"`);
  const rest = m[2]!;

  // The authority ends at the first "/", "?" or "#" (RFC 3986 §3.2); a lone trailing "/" is harmless.
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  const at = authority.lastIndexOf('@');
  const rawUser = at < 0 ? '' : authority.slice(0, at);
  // Checked before the path so that a password is refused even when other parts are wrong too.
  if (rawUser.includes(':')) throw new MigrateError('URL_HAS_PASSWORD');
  if (tail !== '' && tail !== '/') throw new MigrateError('URL_HAS_PATH');
  if (at < 0 || rawUser === '') throw new MigrateError('URL_NO_USER');
  if (/;auth=/i.test(rawUser)) throw new MigrateError('URL_INVALID', 'remove ";AUTH=...": the mechanism is negotiated');

  let user: string;
  try {
    user = decodeURIComponent(rawUser);
  } catch {
    throw new MigrateError('URL_INVALID', 'bad percent-encoding in the user');
  }
  if (hasControl(user)) throw new MigrateError('URL_INVALID', 'the user contains control characters');
  if (user.length > MAX_USER) throw new MigrateError('URL_INVALID', `user longer than ${MAX_USER} characters`);

  const { host, portText } = splitHostPort(authority.slice(at + 1));
  let port: number = DEFAULT_PORT[scheme];
  if (portText !== undefined && portText !== '') {
    if (!/^[0-9]{1,5}$/.test(portText)) throw new MigrateError('URL_BAD_PORT', `"${portText.slice(0, 20)}"`);
    port = Number(portText);
    if (port < 1 || port > 65535) throw new MigrateError('URL_BAD_PORT', String(port));
  }
  const hostInUrl = isIPv6(host) ? `[${host}]` : host;
  return {
    url: `${scheme}://${encodeURIComponent(user)}@${hostInUrl}:${port}`,
    security: scheme === 'imaps' ? 'tls' : 'starttls',
    host,
    port,
    user,
  };
}

/** Splits `host[:port]` or `[v6][:port]`, validating and normalising the host. */
function splitHostPort(hp: string): { host: string; portText: string | undefined } {
  if (hp === '') throw new MigrateError('URL_BAD_HOST', 'empty host');
  if (hp.startsWith('[')) {
    const close = hp.indexOf(']');
    if (close < 0) throw new MigrateError('URL_BAD_HOST', 'missing "]"');
    const v6 = hp.slice(1, close);
    // Zone identifiers (RFC 6874) name a local interface: meaningless for a remote mailbox.
    if (!isIPv6(v6) || v6.includes('%')) throw new MigrateError('URL_BAD_HOST', 'invalid IPv6 address');
    const after = hp.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new MigrateError('URL_BAD_HOST', 'text after "]"');
    return { host: v6.toLowerCase(), portText: after === '' ? undefined : after.slice(1) };
  }
  const colon = hp.indexOf(':');
  if (colon >= 0 && hp.indexOf(':', colon + 1) >= 0) {
    throw new MigrateError('URL_BAD_HOST', 'an IPv6 address must be written in brackets: imaps://user@[2001:db8::1]:993');
  }
  const name = colon < 0 ? hp : hp.slice(0, colon);
  const portText = colon < 0 ? undefined : hp.slice(colon + 1);
  return { host: normaliseHostName(name), portText };
}

/** A DNS name (RFC 1123 §2.1, "_" tolerated for internal names) or dotted IPv4, lower-cased. */
function normaliseHostName(name: string): string {
  if (name === '') throw new MigrateError('URL_BAD_HOST', 'empty host');
  let ascii = name;
  if (/[^\x21-\x7e]/.test(name) || name.includes('%')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      throw new MigrateError('URL_BAD_HOST', 'bad percent-encoding');
    }
    ascii = domainToASCII(decoded); // IDNA (RFC 5891); '' when not a valid name
    if (ascii === '') throw new MigrateError('URL_BAD_HOST', 'invalid internationalised name');
  }
  ascii = ascii.toLowerCase().replace(/\.$/, '');
  if (isIPv4(ascii)) return ascii;
  const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
  if (ascii.length > 253 || !ascii.split('.').every((l) => label.test(l))) {
    throw new MigrateError('URL_BAD_HOST', 'invalid host name');
  }
  // All-numeric names that are not IPv4 (e.g. 999.1.1.1) are typos, not names.
  if (/^[0-9.]+$/.test(ascii)) throw new MigrateError('URL_BAD_HOST', 'invalid IPv4 address');
  return ascii;
}

/** Longest key kept readable; longer ones are cut and suffixed with a hash (file names ≤ 255 bytes). */
const MAX_KEY = 160;

/**
 * A stable, file-name-safe string naming an endpoint, for a state directory: user and host,
 * lower-cased and NFC-normalised. Scheme and port are left out on purpose, so that switching
 * from imap:// to imaps:// (or to another port of the same server) resumes the same state.
 * Injective: every character outside `[a-z0-9.@+-]` is written as `_` and its UTF-8 bytes in hex.
 */
export function endpointKey(e: Pick<Endpoint, 'host' | 'user'>): string {
  const plain = `${e.user.normalize('NFC').toLowerCase()}@${e.host.toLowerCase()}`;
  let key = '';
  for (const ch of plain) {
    if (/^[a-z0-9.@+-]$/.test(ch)) key += ch;
    else key += '_' + Buffer.from(ch, 'utf8').toString('hex');
  }
  // A leading "." would make a hidden file (or "." / ".."): escape it like any other.
  if (key.startsWith('.')) key = '_2e' + key.slice(1);
  if (key.length <= MAX_KEY) return key;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, 16);
  return `${key.slice(0, MAX_KEY - 17)}~${hash}`;
}
