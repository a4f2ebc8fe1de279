/**
 * Splits an IMAP server's byte stream into responses (RFC 3501 §7): a response is one line, or
 * several when a line ends with a literal announcement `{n}` (§4.3), in which case exactly n
 * bytes follow and the response continues on the next line. Literal bytes are collected as
 * slices of the received chunks and joined once, so a 20 MB message costs one copy.
 */

export interface RawResponse {
  /** The text lines of the response, literal announcements included, without CRLF. */
  readonly lines: readonly string[];
  /** The literals, in order. */
  readonly literals: readonly Buffer[];
}

const EMPTY = Buffer.alloc(0);
/** A line longer than this is a broken or hostile server, not IMAP. */
const MAX_LINE = 1024 * 1024;

export class ResponseTooLong extends Error {}

export class ResponseReader {
  #partial: Buffer = EMPTY;
  #lines: string[] = [];
  #literals: Buffer[] = [];
  #need = 0;
  #parts: Buffer[] = [];
  readonly #emit: (r: RawResponse) => void;

  constructor(emit: (r: RawResponse) => void) {
    this.#emit = emit;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.#need > 0) {
        const take = Math.min(this.#need, chunk.length - off);
        this.#parts.push(chunk.subarray(off, off + take));
        off += take;
        this.#need -= take;
        if (this.#need === 0) this.#endLiteral();
        continue;
      }
      const nl = chunk.indexOf(0x0a, off);
      if (nl < 0) {
        this.#partial = Buffer.concat([this.#partial, chunk.subarray(off)]);
        if (this.#partial.length > MAX_LINE) throw new ResponseTooLong(`a server line exceeds ${MAX_LINE} bytes`);
        return;
      }
      const bytes = this.#partial.length > 0 ? Buffer.concat([this.#partial, chunk.subarray(off, nl)]) : chunk.subarray(off, nl);
      this.#partial = EMPTY;
      off = nl + 1;
      const line = bytes.toString('latin1').replace(/\r$/, '');
      this.#lines.push(line);
      const m = /\{(\d{1,10})\}$/.exec(line);
      if (m) {
        this.#need = Number(m[1]);
        if (this.#need === 0) this.#endLiteral();
        continue;
      }
      const r: RawResponse = { lines: this.#lines, literals: this.#literals };
      this.#lines = [];
      this.#literals = [];
      this.#emit(r);
    }
  }

  #endLiteral(): void {
    this.#literals.push(this.#parts.length === 1 ? this.#parts[0]! : this.#parts.length === 0 ? EMPTY : Buffer.concat(this.#parts));
    this.#parts = [];
  }
}

/** `"text"` with `\` and `"` escaped (RFC 3501 §4.3 quoted); the caller excludes CR, LF, NUL. */
export function quoted(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 3501 date-time in UTC: "01-Jun-2020 10:00:00 +0000". */
export function imapDate(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `"${two(d.getUTCDate())}-${mon}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000"`;
}

/** A tagged status line: `tag OK [CODE args] text`. */
export interface Tagged { readonly status: 'OK' | 'NO' | 'BAD'; readonly code: string | null; readonly codeArgs: string; readonly text: string }

export function parseTagged(rest: string): Tagged {
  const m = /^(OK|NO|BAD)\b ?(?:\[([^\]\s]+)(?: ([^\]]*))?\] ?)?(.*)$/i.exec(rest);
  if (!m) return { status: 'BAD', code: null, codeArgs: '', text: rest };
  return { status: m[1]!.toUpperCase() as Tagged['status'], code: m[2] ? m[2].toUpperCase() : null, codeArgs: m[3] ?? '', text: m[4] ?? '' };
}
