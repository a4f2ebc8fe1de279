/**
 * Address lists (RFC 5322 §3.4, with the obsolete forms of §4.4) turned into the address
 * structures of the IMAP ENVELOPE (RFC 3501 §7.4.2): `(name adl mailbox host)`.
 *
 * The core's parseAddressList flattens groups and decodes names; the envelope must keep both:
 * a group is `(NIL NIL "group" NIL)` … members … `(NIL NIL NIL NIL)`, and names are sent as
 * written, RFC 2047 words included (clients decode them; Dovecot does the same).
 */
import type { WireValue } from '../protocol/writer.ts';

/** Host reported for an address without a domain: a NIL host would read as a group marker
 * (RFC 3501 §9 addr-host), so a placeholder is sent, the one Dovecot uses. */
export const MISSING_DOMAIN = 'MISSING_DOMAIN';
/** Mailbox reported for an address without a local part (`<@host>`). */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';

interface Token {
  readonly kind: 'word' | 'special' | 'comment' | 'literal';
  /** Words: the text with RFC 5322 quoting removed; specials: the character. */
  readonly text: string;
  /** White space or a comment came before it (to rebuild phrases with their spaces). */
  readonly space: boolean;
}

const SPECIALS = '()<>[]:;@\\,."';

/** Lexes an address-list value into words, specials, comments and domain literals. */
function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let space = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = true;
      i++;
    } else if (c === '(') {
      let depth = 0;
      let text = '';
      for (; i < s.length; i++) {
        const d = s[i]!;
        if (d === '\\' && i + 1 < s.length) text += s[++i];
        else if (d === '(' && depth++ === 0) continue;
        else if (d === ')' && --depth === 0) break;
        else text += d;
      }
      i++;
      out.push({ kind: 'comment', text: text.trim(), space });
      space = true;
    } else if (c === '"') {
      let text = '';
      for (i++; i < s.length && s[i] !== '"'; i++) text += s[i] === '\\' && i + 1 < s.length ? s[++i] : s[i];
      i++;
      out.push({ kind: 'word', text, space });
      space = false;
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const next = close < 0 ? s.length : close + 1;
      out.push({ kind: 'literal', text: s.slice(i, next), space });
      i = next;
      space = false;
    } else if (SPECIALS.includes(c)) {
      out.push({ kind: 'special', text: c, space });
      i++;
      space = false;
    } else {
      const start = i;
      while (i < s.length && !SPECIALS.includes(s[i]!) && !' \t\r\n'.includes(s[i]!)) i++;
      out.push({ kind: 'word', text: s.slice(start, i), space });
      space = false;
    }
  }
  return out;
}

const isSpecial = (t: Token | undefined, c: string): boolean => t?.kind === 'special' && t.text === c;

/** Joins words and dots of a phrase or local part, keeping single spaces where there were some. */
function joinText(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    out += (out && t.space ? ' ' : '') + t.text;
  }
  return out;
}

const nonEmpty = (s: string): string | null => (s === '' ? null : s);

/** `local@domain` tokens (RFC 5322 §3.4.1) to (mailbox, host); the local part loses its quoting. */
function addrSpec(tokens: readonly Token[]): { mailbox: string; host: string } {
  const at = tokens.findIndex((t) => isSpecial(t, '@'));
  const local = at < 0 ? tokens : tokens.slice(0, at);
  const domain = at < 0 ? [] : tokens.slice(at + 1);
  const mailbox = joinText(local).replace(/\s+/g, ' ');
  const host = domain.filter((t) => t.kind !== 'comment').map((t) => t.text).join('');
  return { mailbox: mailbox || MISSING_MAILBOX, host: host || MISSING_DOMAIN };
}

/** One mailbox (RFC 5322 §3.4): name-addr with optional obs-route, or a bare addr-spec. */
function mailbox(tokens: readonly Token[]): WireValue | undefined {
  if (!tokens.some((t) => t.kind !== 'comment')) return undefined;
  const open = tokens.findIndex((t) => isSpecial(t, '<'));
  if (open >= 0) {
    let close = tokens.findIndex((t, i) => i > open && isSpecial(t, '>'));
    if (close < 0) close = tokens.length;
    let inner = tokens.slice(open + 1, close);
    // RFC 5322 §4.4 obs-route: "@a,@b:" before the addr-spec is the at-domain-list (adl).
    let adl: string | null = null;
    const colon = inner.findIndex((t) => isSpecial(t, ':'));
    if (colon >= 0 && isSpecial(inner[0], '@')) {
      adl = inner.slice(0, colon).map((t) => t.text).join('');
      inner = inner.slice(colon + 1);
    }
    if (!inner.some((t) => t.kind !== 'comment')) return undefined;
    const { mailbox: box, host } = addrSpec(inner);
    const name = nonEmpty(joinText(tokens.slice(0, open)));
    return [name, adl, box, host];
  }
  // A bare addr-spec; an old-style trailing comment is its only name ("a@b (Name)").
  const comment = tokens.find((t) => t.kind === 'comment' && t.text !== '');
  const { mailbox: box, host } = addrSpec(tokens);
  return [comment ? comment.text : null, null, box, host];
}

/**
 * An address-list or mailbox-list header value as a list of envelope address structures
 * (empty when it holds no address; the envelope then says NIL, RFC 3501 §7.4.2).
 */
export function envelopeAddresses(value: string): WireValue[] {
  const out: WireValue[] = [];
  const tokens = tokenize(value);
  let inGroup = false;
  let current: Token[] = [];
  let angle = false;
  const flush = (): void => {
    const m = mailbox(current);
    if (m) out.push(m);
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === 'special' && t.text === '<') angle = true;
    if (t.kind === 'special' && t.text === '>') angle = false;
    if (angle || t.kind !== 'special') {
      current.push(t);
      continue;
    }
    if (t.text === ',') flush();
    else if (t.text === ':' && !inGroup) {
      // RFC 5322 §3.4 group = display-name ":" [group-list] ";"
      out.push([null, null, joinText(current), null]);
      current = [];
      inGroup = true;
    } else if (t.text === ';' && inGroup) {
      flush();
      out.push([null, null, null, null]);
      inGroup = false;
    } else current.push(t);
  }
  flush();
  // A group left open by a truncated header is closed, so that clients see balanced markers.
  if (inGroup) out.push([null, null, null, null]);
  return out;
}
