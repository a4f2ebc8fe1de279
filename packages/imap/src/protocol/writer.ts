/**
 * Serialization of server responses (RFC 3501 §7 and the response rules of §9). Output is a
 * list of byte chunks: literal octets (message bodies) are passed through as given, never
 * copied into strings. Strings are sent quoted when that is safe and as literals otherwise.
 */
import type { SequenceSet } from './types.ts';

/** An atom written as is (e.g. `FLAGS`, `\Seen`, `BODY[1]<0>`); the caller vouches for it. */
export interface WireAtom {
  atom: string;
}

/**
 * A value in a response: `null` is NIL, numbers are written in decimal, a string is a string
 * (quoted or literal, RFC 3501 §4.3), a `Uint8Array` is always a literal, an array is a
 * parenthesized list (RFC 3501 §4.4), and {@link WireAtom} is written verbatim.
 */
export type WireValue = null | number | bigint | string | Uint8Array | WireAtom | WireValue[];

/** A response code in brackets (RFC 3501 §7.1, RFC 5530), e.g. `[UIDVALIDITY 3857529045]`. */
export interface ResponseCode {
  name: string;
  args?: WireValue[];
}

/** Tagged or untagged status responses (RFC 3501 §7.1). */
export type Status = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

/** Writer options. */
export interface WriterOptions {
  /** UTF8=ACCEPT is enabled (RFC 6855): 8-bit UTF-8 may be quoted. */
  utf8?: boolean;
}

const CRLF = '\r\n';
/** Longest string sent quoted; longer ones go as literals. */
const MAX_QUOTED = 1024;
/** More escapes than this and a literal is cheaper and clearer. */
const MAX_ESCAPES = 8;

/** Formats an RFC 3501 §9 sequence-set. */
export function formatSequenceSet(set: SequenceSet): string {
  return set.map(({ start, end }) => (start === end ? `${start}` : `${start}:${end}`)).join(',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** RFC 3501 §9 date-time (as in INTERNALDATE), written in UTC: `"dd-Mon-yyyy hh:mm:ss +0000"`. */
export function formatDateTime(d: Date): WireAtom {
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return { atom: `"${day}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear(), 4)} ${time} +0000"` };
}

/** True when `s` can be sent as an RFC 3501 §9 quoted string. */
export function canQuote(s: string, utf8 = false): boolean {
  if (s.length > MAX_QUOTED) return false;
  let escapes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0d || c === 0x0a) return false;
    if (c > 0x7f && !utf8) return false;
    if (c === 0x22 || c === 0x5c) escapes++;
  }
  return escapes <= MAX_ESCAPES;
}

/** Writes an RFC 3501 §9 quoted string; the caller has checked {@link canQuote}. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** Chunks of text and literal octets under construction. */
class Chunks {
  readonly out: Uint8Array[] = [];
  private text = '';
  constructor(private readonly opts: WriterOptions) {}

  add(s: string): void {
    this.text += s;
  }

  literal(bytes: Uint8Array): void {
    this.add(`{${bytes.length}}${CRLF}`);
    this.flush();
    if (bytes.length) this.out.push(bytes);
  }

  flush(): void {
    if (this.text) this.out.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  value(v: WireValue): void {
    if (v === null) this.add('NIL');
    else if (typeof v === 'number' || typeof v === 'bigint') this.add(String(v));
    else if (typeof v === 'string') {
      if (canQuote(v, this.opts.utf8)) this.add(quote(v));
      else this.literal(Buffer.from(v, 'utf8'));
    } else if (v instanceof Uint8Array) this.literal(v);
    else if (Array.isArray(v)) {
      this.add('(');
      this.values(v);
      this.add(')');
    } else this.add(v.atom);
  }

  values(vs: WireValue[]): void {
    vs.forEach((v, i) => {
      if (i) this.add(' ');
      this.value(v);
    });
  }
}

/** Serializes values separated by SP, without a line end (for embedding). */
export function serialize(values: WireValue[], options: WriterOptions = {}): Uint8Array[] {
  const c = new Chunks(options);
  c.values(values);
  c.flush();
  return c.out;
}

/** An untagged data response: `* ` values CRLF (RFC 3501 §7.2–7.4), e.g. `* 3 EXISTS`. */
export function untagged(values: WireValue[], options: WriterOptions = {}): Uint8Array[] {
  const c = new Chunks(options);
  c.add('* ');
  c.values(values);
  c.add(CRLF);
  c.flush();
  return c.out;
}

/** Makes human-readable text safe for resp-text: one line, no NUL (RFC 3501 §9 text). */
function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  // RFC 3501 §9: text after a response code must not begin with "[".
  return t.replace(/^\[/, '(') || 'Completed';
}

/**
 * A status response (RFC 3501 §7.1): `tag` or `*` for untagged, then status, optional
 * response code and text, e.g. `a1 OK [READ-WRITE] SELECT completed`.
 */
export function statusResponse(tag: string | undefined, status: Status, text: string, code?: ResponseCode): Uint8Array[] {
  const c = new Chunks({});
  c.add(`${tag ?? '*'} ${status} `);
  if (code) {
    c.add(`[${code.name}`);
    for (const a of code.args ?? []) {
      c.add(' ');
      c.value(a);
    }
    c.add('] ');
  }
  c.add(`${safeText(text)}${CRLF}`);
  c.flush();
  return c.out;
}

/** A continuation request (RFC 3501 §7.5): `+ text` CRLF, e.g. before a literal. */
export function continuation(text = 'Ready'): Uint8Array[] {
  return [Buffer.from(`+ ${safeText(text)}${CRLF}`, 'utf8')];
}

const atoms = (xs: string[]): WireAtom[] => xs.map((atom) => ({ atom }));

/** Response codes of RFC 3501 §7.1 and of the supported extensions. */
export const codes = {
  alert: (): ResponseCode => ({ name: 'ALERT' }),
  parse: (): ResponseCode => ({ name: 'PARSE' }),
  readOnly: (): ResponseCode => ({ name: 'READ-ONLY' }),
  readWrite: (): ResponseCode => ({ name: 'READ-WRITE' }),
  tryCreate: (): ResponseCode => ({ name: 'TRYCREATE' }),
  uidValidity: (v: number): ResponseCode => ({ name: 'UIDVALIDITY', args: [v] }),
  uidNext: (n: number): ResponseCode => ({ name: 'UIDNEXT', args: [n] }),
  unseen: (n: number): ResponseCode => ({ name: 'UNSEEN', args: [n] }),
  permanentFlags: (flags: string[]): ResponseCode => ({ name: 'PERMANENTFLAGS', args: [atoms(flags)] }),
  capability: (caps: string[]): ResponseCode => ({ name: 'CAPABILITY', args: atoms(caps) }),
  badCharset: (charsets: string[] = []): ResponseCode => ({ name: 'BADCHARSET', args: charsets.length ? [charsets] : [] }),
  /** RFC 4315 §3: APPENDUID uidvalidity uid. */
  appendUid: (validity: number, uid: number): ResponseCode => ({ name: 'APPENDUID', args: [validity, uid] }),
  /** RFC 3502 §6.3.11 with RFC 4315: APPENDUID uidvalidity uid-set, for a MULTIAPPEND. */
  appendUids: (validity: number, uids: SequenceSet): ResponseCode => ({ name: 'APPENDUID', args: [validity, { atom: formatSequenceSet(uids) }] }),
  /** RFC 4315 §3: COPYUID uidvalidity source-uids destination-uids. */
  copyUid: (validity: number, from: SequenceSet, to: SequenceSet): ResponseCode => ({
    name: 'COPYUID', args: [validity, { atom: formatSequenceSet(from) }, { atom: formatSequenceSet(to) }],
  }),
  uidNotSticky: (): ResponseCode => ({ name: 'UIDNOTSTICKY' }),
  /** RFC 7162 §3.1.2.1 and §3.1.3. */
  highestModseq: (m: bigint): ResponseCode => ({ name: 'HIGHESTMODSEQ', args: [m] }),
  noModseq: (): ResponseCode => ({ name: 'NOMODSEQ' }),
  modified: (set: SequenceSet): ResponseCode => ({ name: 'MODIFIED', args: [{ atom: formatSequenceSet(set) }] }),
  closed: (): ResponseCode => ({ name: 'CLOSED' }),
  /** RFC 5530 §3. */
  overQuota: (): ResponseCode => ({ name: 'OVERQUOTA' }),
  /** RFC 5530 §3 response codes without arguments. */
  simple: (name: 'UNAVAILABLE' | 'AUTHENTICATIONFAILED' | 'AUTHORIZATIONFAILED' | 'EXPIRED' | 'PRIVACYREQUIRED'
    | 'CONTACTADMIN' | 'NOPERM' | 'INUSE' | 'EXPUNGEISSUED' | 'CORRUPTION' | 'SERVERBUG' | 'CLIENTBUG'
    | 'CANNOT' | 'LIMIT' | 'ALREADYEXISTS' | 'NONEXISTENT'): ResponseCode => ({ name }),
  cannot: (): ResponseCode => ({ name: 'CANNOT' }),
  authenticationFailed: (): ResponseCode => ({ name: 'AUTHENTICATIONFAILED' }),
} as const;
