/**
 * Multi-line responses (RFC 1939 §3): each line starting with "." gets one more, and the
 * response ends with CRLF "." CRLF. Message bytes are otherwise sent exactly as stored, as
 * views over the backend's buffer, never as a whole copy.
 */

const DOT = Buffer.from('.');
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');
/** Largest piece yielded at once, so the writer can honour back-pressure. */
const PIECE = 64 * 1024;

/**
 * Pieces to send for `bytes[0, end)`: the bytes themselves split at line starts with a dot
 * (after any LF, so that clients splitting on LF alone stay in step), the extra dots, a CRLF
 * when the content does not end with one, and the terminator.
 */
export function* dotStuffed(bytes: Uint8Array, end = bytes.length): Generator<Uint8Array> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  let from = 0;
  let lineStart = 0;
  while (lineStart < end) {
    if (buf[lineStart] === 0x2e) {
      yield* pieces(buf, from, lineStart);
      yield DOT;
      from = lineStart;
    }
    const lf = buf.indexOf(0x0a, lineStart);
    if (lf < 0) break;
    lineStart = lf + 1;
  }
  yield* pieces(buf, from, end);
  if (!(end >= 2 && buf[end - 2] === 0x0d && buf[end - 1] === 0x0a) && end > 0) yield CRLF;
  yield TERMINATOR;
}

function* pieces(buf: Buffer, from: number, to: number): Generator<Uint8Array> {
  for (let i = from; i < to; i += PIECE) yield buf.subarray(i, Math.min(to, i + PIECE));
}

/**
 * End offset of the TOP response (RFC 1939 §7): the header, the blank line after it and
 * `lines` lines of the body. A message without a blank line is all header.
 */
export function topEnd(bytes: Uint8Array, lines: number): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bodyStart: number;
  if (buf[0] === 0x0d && buf[1] === 0x0a) bodyStart = 2;
  else {
    const blank = buf.indexOf('\r\n\r\n');
    if (blank < 0) return buf.length;
    bodyStart = blank + 4;
  }
  let at = bodyStart;
  for (let n = 0; n < lines && at < buf.length; n++) {
    const lf = buf.indexOf(0x0a, at);
    at = lf < 0 ? buf.length : lf + 1;
  }
  return at;
}
