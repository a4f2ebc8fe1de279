/**
 * Structured MIME header values as BODYSTRUCTURE reports them: media type, parameters
 * (RFC 2045 §5.1), disposition (RFC 2183 §2) and language (RFC 3282 §2), with names and values
 * as written in the message. The core's parseContentType decodes RFC 2231 continuations and
 * lower-cases names; IMAP clients expect the header's own text (as Dovecot sends it), so
 * continuations such as `filename*0*=` are reported here as the separate parameters they are.
 */

export interface RawParam {
  readonly name: string;
  readonly value: string;
}

export interface RawStructured {
  /** The value before the first `;` with comments removed, e.g. `TEXT/PLAIN` or `attachment`. */
  readonly head: string;
  readonly params: RawParam[];
}

/** Skips an RFC 5322 §3.2.2 comment starting at `s[i] === '('`; returns the index after it. */
function skipComment(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

/** Reads a quoted-string starting at `s[i] === '"'`; returns its unescaped content. */
function readQuoted(s: string, i: number): { text: string; next: number } {
  let text = '';
  for (i++; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { text, next: i + 1 };
    if (c === '\\' && i + 1 < s.length) text += s[++i];
    else text += c;
  }
  return { text, next: s.length };
}

/** Text up to a stop character outside quotes, comments removed, trimmed; a value that is
 * one quoted-string is its content exactly, without the quotes (RFC 2045 §5.1). */
function readUntil(s: string, i: number, stops: string): { text: string; next: number } {
  let text = '';
  let quoted: string | undefined;
  let other = false;
  while (i < s.length && !stops.includes(s[i]!)) {
    const c = s[i]!;
    if (c === '(') {
      i = skipComment(s, i);
      text += ' ';
    } else if (c === '"') {
      const q = readQuoted(s, i);
      if (quoted === undefined && !other) quoted = q.text;
      else other = true;
      text += q.text;
      i = q.next;
    } else {
      if (c !== ' ' && c !== '\t') other = true;
      text += c;
      i++;
    }
  }
  return { text: quoted !== undefined && !other ? quoted : text.trim(), next: i };
}

/**
 * Splits `head *(";" attribute "=" value)`. Tolerant of what real mail contains: empty
 * parameters, unquoted values with specials (RFC 2047 words), stray semicolons.
 */
export function parseStructured(value: string): RawStructured {
  const first = readUntil(value, 0, ';');
  const params: RawParam[] = [];
  let i = first.next;
  while (i < value.length) {
    i++; // the ';'
    const name = readUntil(value, i, ';=');
    i = name.next;
    if (value[i] !== '=') continue;
    const v = readUntil(value, i + 1, ';');
    i = v.next;
    if (name.text) params.push({ name: name.text, value: v.text });
  }
  return { head: first.text, params };
}

/** `type/subtype` as written, or undefined when the head is not of that form. */
export function mediaType(head: string): { type: string; subtype: string } | undefined {
  const m = /^([^\s/]+)\s*\/\s*([^\s/]+)$/.exec(head);
  return m ? { type: m[1]!, subtype: m[2]! } : undefined;
}

/** Content-Language (RFC 3282 §2): a comma-separated list of language tags. */
export function languageTags(value: string): string[] {
  const tags: string[] = [];
  let i = 0;
  while (i < value.length) {
    const t = readUntil(value, i, ',');
    if (t.text) tags.push(t.text);
    i = t.next + 1;
  }
  return tags;
}
