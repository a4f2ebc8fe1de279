/**
 * Splits an IMAP server's byte stream into responses (RFC 3501 §7): a response is one line, or
 * several when a line ends with a literal announcement `{n}` (§4.3), in which case exactly n
 * bytes follow and the response continues on the next line.
 *
 * A pushed chunk is only borrowed: the session may read the socket into one reused buffer
 * (see session.ts), so nothing of it is kept past `push`. A literal's bytes are copied once, into
 * a buffer of the announced size; past {@link PREALLOCATE_MAX} the buffer grows with what really
 * arrives, so a server announcing {4000000000} and sending nothing costs nothing.
 */

/** A literal as received: its bytes, or what a {@link LiteralSink} made of them. */
export type LiteralValue = Buffer | Digested;

/** A literal reduced to its digest while it arrived (see digest-sink.ts). */
export interface Digested {
  readonly size: number;
  readonly sha256: string;
  /** All the bytes, when the sink was asked to keep them. */
  readonly whole: Buffer | null;
}

/** Takes a literal's bytes as they arrive; `write` must copy what it keeps (the chunk is borrowed). */
export interface LiteralSink {
  write(bytes: Buffer): void;
  end(): LiteralValue;
}

/** Chooses the sink of a literal of `size` bytes; null: collect the bytes. */
export type SinkFor = (size: number) => LiteralSink | null;

export interface RawResponse {
  /** The text lines of the response, literal announcements included, without CRLF. */
  readonly lines: readonly string[];
  /** The literals, in order. */
  readonly literals: readonly LiteralValue[];
}

const EMPTY = Buffer.alloc(0);
/** A line longer than this is a broken or hostile server, not IMAP. */
const MAX_LINE = 1024 * 1024;
/** Literals up to this size get their whole buffer at once. */
export const PREALLOCATE_MAX = 64 * 1024 * 1024;

export class ResponseTooLong extends Error {}

/** The bytes, in a buffer of the announced size (given, or allocated). */
export class Preallocated implements LiteralSink {
  readonly #bytes: Buffer;
  #filled = 0;
  constructor(sizeOrBuffer: number | Buffer) {
    this.#bytes = typeof sizeOrBuffer === 'number' ? Buffer.allocUnsafe(sizeOrBuffer) : sizeOrBuffer;
  }

  write(bytes: Buffer): void {
    this.#filled += bytes.copy(this.#bytes, this.#filled);
  }

  end(): Buffer {
    return this.#bytes;
  }
}

/** The bytes, kept as they come: for literals too big to trust their announced size. */
class Growing implements LiteralSink {
  readonly #parts: Buffer[] = [];
  write(bytes: Buffer): void {
    this.#parts.push(Buffer.from(bytes));
  }

  end(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

export class ResponseReader {
  #partial: Buffer = EMPTY;
  #lines: string[] = [];
  #literals: LiteralValue[] = [];
  #need = 0;
  #sink: LiteralSink | null = null;
  readonly #emit: (r: RawResponse) => void;
  readonly #sinkFor: SinkFor;

  constructor(emit: (r: RawResponse) => void, sinkFor: SinkFor = () => null) {
    this.#emit = emit;
    this.#sinkFor = sinkFor;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.#need > 0) {
        const take = Math.min(this.#need, chunk.length - off);
        this.#sink!.write(chunk.subarray(off, off + take));
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
        this.#sink = this.#sinkFor(this.#need) ?? (this.#need <= PREALLOCATE_MAX ? new Preallocated(this.#need) : new Growing());
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
    this.#literals.push(this.#sink!.end());
    this.#sink = null;
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
