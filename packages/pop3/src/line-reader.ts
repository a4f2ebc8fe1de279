/**
 * Splits the client's byte stream into command lines with a hard length cap, so that a
 * client sending an endless line costs bounded memory (RFC 2449 §4: a command line is at
 * most 255 octets including the CRLF).
 */

/** One item from the reader: a line (CRLF or LF stripped) or the marker of an over-long line. */
export type ReaderItem = { kind: 'line'; bytes: Buffer } | { kind: 'too-long' };

/** Buffers incoming bytes and yields complete lines, discarding those over the cap. */
export class LineReader {
  #pending: Buffer = Buffer.alloc(0);
  #discarding = false;
  #maxLine: number;

  constructor(maxLine: number) {
    this.#maxLine = maxLine;
  }

  /** Changes the cap (SASL continuation lines may be longer than commands). */
  set maxLine(n: number) {
    this.#maxLine = n;
  }

  /** Bytes buffered and not yet returned as lines. */
  get buffered(): number {
    return this.#pending.length;
  }

  /** Appends bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.#discarding) {
      const lf = chunk.indexOf(0x0a);
      if (lf < 0) return;
      this.#discarding = false;
      chunk = chunk.subarray(lf); // the kept over-long head now ends with this LF

    }
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#trimOverlong();
  }

  /** Drops everything buffered (e.g. plaintext pipelined after STLS, RFC 2595 §4). */
  clear(): void {
    this.#pending = Buffer.alloc(0);
    this.#discarding = false;
  }

  /** The next item, or undefined when no complete line is buffered. */
  next(): ReaderItem | undefined {
    const lf = this.#pending.indexOf(0x0a);
    if (lf < 0) return undefined;
    let end = lf;
    if (end > 0 && this.#pending[end - 1] === 0x0d) end--;
    const tooLong = lf + 1 > this.#maxLine;
    const bytes = Buffer.from(this.#pending.subarray(0, end));
    this.#pending = this.#pending.subarray(lf + 1);
    return tooLong ? { kind: 'too-long' } : { kind: 'line', bytes };
  }

  /**
   * A trailing partial line already over the cap keeps only its first `maxLine + 1` bytes;
   * the rest is dropped up to its LF, and the kept head is later reported as too long.
   */
  #trimOverlong(): void {
    const lastLf = this.#pending.lastIndexOf(0x0a);
    const tail = this.#pending.length - (lastLf + 1);
    if (tail > this.#maxLine) {
      this.#pending = Buffer.from(this.#pending.subarray(0, lastLf + 1 + this.#maxLine + 1));
      this.#discarding = true;
    }
  }
}
