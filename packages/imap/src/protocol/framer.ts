/**
 * Incremental framing of the client byte stream into complete commands (RFC 3501 §2.2, §4.3):
 * a command is one or more CRLF-terminated lines, each but the last ending with a literal
 * announcement `{n}` (synchronizing: the client waits for a `+` continuation, RFC 3501 §7.5)
 * or `{n+}` (non-synchronizing, RFC 7888: the octets follow at once). Memory is bounded:
 * nothing is buffered beyond the configured limits, over-long lines are dropped up to the next
 * line end, and a non-synchronizing literal that is too big is consumed without being stored.
 */

import {
  DEFAULT_FRAMER_LIMITS,
  type CommandPart, type FramerEvent, type FramerLimits, type FramerOptions, type LiteralRefusal,
} from './framer-types.ts';

export {
  DEFAULT_FRAMER_LIMITS,
  type CommandPart, type FramedCommand, type FramerEvent, type FramerLimits, type FramerOptions,
  type LiteralRefusal, type LiteralRequest,
} from './framer-types.ts';

type State =
  | { s: 'line' }
  | { s: 'skip-line' }
  | { s: 'literal'; remaining: number; nonSync: boolean; chunks: Uint8Array[] }
  | { s: 'skip-literal'; remaining: number }
  | { s: 'closed' };

const LITERAL_END = /\{(\d+)(\+?)\}$/;
/** Octets of a line end examined for a literal announcement: `{4294967295+}` and a CR fit. */
const TAIL = 24;
/** RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">. */
const TAG = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c-\x7e]+/;
/** RFC 3501 §9: number is an unsigned 32-bit integer. */
const MAX_NUMBER = 0xffffffff;

/**
 * Splits the client byte stream into commands. Feed bytes with {@link ImapFramer.push}; each
 * call returns the events produced, in order. Never throws on any input.
 */
export class ImapFramer {
  private readonly limits: FramerLimits;
  private state: State = { s: 'line' };
  private line: Uint8Array[] = [];
  private lineLen = 0;
  private parts: CommandPart[] = [];
  private size = 0;
  private literals = 0;
  private tag: string | undefined;
  /** True after the first line of a command until the command ends. */
  private inCommand = false;
  /** Set by the first line: APPEND gets the larger literal limit. */
  private append = false;
  /** Set when the command in progress is refused but its octets must still be consumed. */
  private failure: LiteralRefusal | undefined;
  /** The last octets of a line being skipped. */
  private tail = new Uint8Array(0);
  private readonly checkLiteral: FramerOptions['checkLiteral'];

  constructor(options: FramerOptions = {}) {
    const { checkLiteral, ...limits } = options;
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
    this.checkLiteral = checkLiteral;
  }

  /** Octets currently held by the framer (bounded by the limits). */
  get bufferedBytes(): number {
    let n = this.lineLen;
    for (const p of this.parts) n += p.bytes.length;
    if (this.state.s === 'literal') for (const c of this.state.chunks) n += c.length;
    return n;
  }

  /** True while a command is partly received (useful at end of stream). */
  get pending(): boolean {
    return this.state.s !== 'line' || this.lineLen > 0 || this.inCommand;
  }

  /** Feeds received octets; returns the resulting events. */
  push(chunk: Uint8Array): FramerEvent[] {
    const events: FramerEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const st = this.state;
      if (st.s === 'closed') return events;
      if (st.s === 'literal' || st.s === 'skip-literal') {
        const take = Math.min(st.remaining, chunk.length - pos);
        if (st.s === 'literal') st.chunks.push(new Uint8Array(chunk.subarray(pos, pos + take)));
        st.remaining -= take;
        pos += take;
        if (st.remaining === 0) this.literalDone();
        continue;
      }
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf < 0 ? chunk.length : lf;
      if (st.s === 'skip-line') {
        this.keepTail(chunk.subarray(pos, end));
        pos = end + 1;
        if (lf >= 0) {
          const tail = this.tail;
          this.tail = new Uint8Array(0);
          this.state = { s: 'line' };
          this.lineDone(events, Buffer.from(tail));
        }
        continue;
      }
      if (this.lineLen + (end - pos) > this.limits.maxLineLength + 1) {
        // +1 tolerates the CR of the CRLF. The rest of the line is skipped, keeping only its
        // end: a literal announced there must still be honoured (see lineDone).
        this.lineTooLong(chunk.subarray(pos, Math.min(end, pos + 64)));
        continue;
      }
      if (end > pos) this.line.push(new Uint8Array(chunk.subarray(pos, end)));
      this.lineLen += end - pos;
      pos = end + 1;
      if (lf >= 0) {
        const bytes = Buffer.concat(this.line, this.lineLen);
        this.line = [];
        this.lineLen = 0;
        this.lineDone(events, bytes);
      }
    }
    return events;
  }

  /** Signals the end of the stream: a partial command yields a fatal error event. */
  end(): FramerEvent[] {
    if (this.state.s === 'closed' || !this.pending) return [];
    const tag = this.tag ?? this.peekTag();
    this.state = { s: 'closed' };
    this.reset();
    return [{ type: 'error', tag, status: 'BAD', text: 'Connection closed in the middle of a command', fatal: true }];
  }

  private peekTag(): string | undefined {
    const first = this.line[0] ?? (this.parts[0]?.kind === 'line' ? this.parts[0].bytes : undefined);
    if (!first) return undefined;
    const m = TAG.exec(Buffer.from(first.subarray(0, 64)).toString('latin1'));
    return m ? m[0] : undefined;
  }

  /**
   * Drops the command whose line is over the limit: the error is reported once the command
   * ends, so that a literal announced at the end of the long line is not taken for commands
   * (RFC 7888 consumption; otherwise literal octets could inject commands).
   */
  private lineTooLong(head: Uint8Array): void {
    if (!this.inCommand) {
      this.inCommand = true;
      this.tag = this.peekTagOf(this.line[0] ?? head);
    }
    this.keepTail(Buffer.concat(this.line, this.lineLen));
    this.failure ??= { status: 'BAD', text: 'Command line too long' };
    this.line = [];
    this.lineLen = 0;
    this.parts = [];
    this.size = 0;
    this.state = { s: 'skip-line' };
  }

  /** Keeps the last octets of a skipped line, enough to see a literal announcement. */
  private keepTail(more: Uint8Array): void {
    const joined = Buffer.concat([this.tail, more.subarray(Math.max(0, more.length - TAIL))]);
    this.tail = new Uint8Array(joined.subarray(Math.max(0, joined.length - TAIL)));
  }

  private reset(): void {
    this.line = [];
    this.lineLen = 0;
    this.parts = [];
    this.size = 0;
    this.literals = 0;
    this.tag = undefined;
    this.failure = undefined;
    this.inCommand = false;
    this.append = false;
    this.tail = new Uint8Array(0);
  }

  private lineDone(events: FramerEvent[], line: Buffer): void {
    const bytes = line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
    if (!this.inCommand) {
      // An empty line is delivered too: it is an empty AUTHENTICATE response (RFC 4959 §3).
      this.inCommand = true;
      this.tag = this.peekTagOf(bytes);
      this.append = /^\S+ APPEND /i.test(bytes.subarray(0, 128).toString('latin1'));
    }
    if (this.failure === undefined) {
      this.parts.push({ kind: 'line', bytes });
      this.size += bytes.length + 2;
    }
    const tail = bytes.subarray(Math.max(0, bytes.length - TAIL)).toString('latin1');
    const m = LITERAL_END.exec(tail);
    if (!m) return this.commandDone(events);
    const digits = m[1]!;
    const nonSync = m[2] === '+';
    const n = digits.length > 10 ? Infinity : Number(digits);
    const isAppend = this.append;
    const max = isAppend ? this.limits.maxAppendLiteral : this.limits.maxLiteral;
    this.literals++;
    const bad = (text: string): LiteralRefusal => ({ status: 'BAD', text });
    let refusal: LiteralRefusal | undefined;
    if (n > MAX_NUMBER) refusal = bad('Literal size is not a valid number');
    else if (this.literals > (isAppend ? this.limits.maxAppendLiterals : this.limits.maxLiterals)) refusal = bad('Too many literals in one command');
    // TOOBIG: RFC 4469, the response code APPENDLIMIT (RFC 7889) uses for this refusal.
    else if (n > max) refusal = isAppend ? { status: 'NO', code: 'TOOBIG', text: 'Message too large' } : bad('Literal too large');
    // A MULTIAPPEND over the command limit is refused like one message too large, so that the
    // client retries its messages one at a time.
    else if (this.failure === undefined && this.size + n > this.limits.maxCommandSize) refusal = isAppend ? { status: 'NO', code: 'TOOBIG', text: 'Command too large' } : bad('Command too large');
    if (this.failure !== undefined) refusal ??= this.failure;
    refusal ??= this.checkLiteral?.({ tag: this.tag, size: n, nonSync, append: isAppend });
    if (refusal === undefined) {
      if (!nonSync) events.push({ type: 'continue', tag: this.tag, size: n });
      this.state = { s: 'literal', remaining: n, nonSync, chunks: [] };
      if (n === 0) this.literalDone();
      return;
    }
    if (!nonSync) {
      // RFC 3501 §7.5: no continuation is sent, so the client sends no literal octets.
      const tag = this.tag;
      this.reset();
      events.push({ type: 'error', tag, ...refusal, fatal: false });
      return;
    }
    if (n > this.limits.maxDiscard) {
      // RFC 7888: the octets cannot reasonably be skipped, so the connection must close.
      const tag = this.tag;
      this.reset();
      this.state = { s: 'closed' };
      events.push({ type: 'error', tag, ...refusal, fatal: true });
      return;
    }
    // RFC 7888: consume the literal, then send the refusal once the command is over.
    this.failure = refusal;
    this.parts = [];
    this.size = 0;
    this.state = { s: 'skip-literal', remaining: n };
    if (n === 0) this.literalDone();
  }

  private peekTagOf(bytes: Uint8Array): string | undefined {
    const m = TAG.exec(Buffer.from(bytes.subarray(0, 64)).toString('latin1'));
    return m ? m[0] : undefined;
  }

  private literalDone(): void {
    const st = this.state;
    if (st.s === 'literal') {
      const bytes = st.chunks.length === 1 ? st.chunks[0]! : Buffer.concat(st.chunks);
      this.parts.push({ kind: 'literal', bytes, nonSync: st.nonSync });
      this.size += bytes.length;
    }
    // A literal is always followed by the rest of the command line, at least its CRLF.
    this.state = { s: 'line' };
  }

  private commandDone(events: FramerEvent[]): void {
    if (this.failure !== undefined) {
      events.push({ type: 'error', tag: this.tag, ...this.failure, fatal: false });
    } else {
      events.push({ type: 'command', command: { parts: this.parts, size: this.size } });
    }
    this.reset();
  }
}
