/**
 * Content-transfer decoding on bytes (RFC 2045 §6), for BINARY[] and BINARY.SIZE[]
 * (RFC 3516 §4) and for searching text bodies. The core's decodeBody goes through a JS string
 * of the whole body; parts here can be hundreds of megabytes, so decoding works byte by byte
 * into one preallocated buffer, and sizes are counted without decoding.
 */

/** Decoders this server knows; any other encoding is "unknown" (RFC 3516 §4.3 UNKNOWN-CTE). */
export const KNOWN_ENCODINGS: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

const B64 = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  B64[c.charCodeAt(0)] = i;
});

/**
 * Base64 (RFC 2045 §6.8), leniently: characters outside the alphabet are ignored, and `=`
 * ends a quantum, so that concatenated encodings still decode. With `out` absent, only the
 * decoded length is computed.
 */
function base64(src: Uint8Array, out?: Uint8Array): number {
  let o = 0;
  let acc = 0;
  let n = 0;
  const flush = (): void => {
    // 2 sextets make 1 octet, 3 make 2 (RFC 2045 §6.8 final quantum); 1 is garbage.
    if (n >= 2) {
      if (out) out[o] = (acc >> (n === 2 ? 4 : 10)) & 0xff;
      o++;
    }
    if (n === 3) {
      if (out) out[o] = (acc >> 2) & 0xff;
      o++;
    }
    acc = 0;
    n = 0;
  };
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x3d) {
      flush();
      continue;
    }
    const v = B64[b]!;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    if (++n === 4) {
      if (out) {
        out[o] = acc >> 16;
        out[o + 1] = (acc >> 8) & 0xff;
        out[o + 2] = acc & 0xff;
      }
      o += 3;
      acc = 0;
      n = 0;
    }
  }
  flush();
  return o;
}

function hex(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20; // lower-case hex is tolerated (RFC 2045 §6.7 note on robustness)
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * Quoted-printable (RFC 2045 §6.7): `=XX` is an octet, `=` before a line break is a soft line
 * break, white space at the end of a line is transport padding and removed (rule 3), and an
 * `=` not followed by two hex digits is kept as it is. With `out` absent, only counts.
 */
function quotedPrintable(src: Uint8Array, out?: Uint8Array): number {
  let o = 0;
  const put = (b: number): void => {
    if (out) out[o] = b;
    o++;
  };
  const len = src.length;
  for (let i = 0; i < len; i++) {
    const b = src[i]!;
    if (b === 0x3d) {
      const h = hex(src[i + 1]);
      const l = hex(src[i + 2]);
      if (h >= 0 && l >= 0) {
        put((h << 4) | l);
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < len && (src[j] === 0x20 || src[j] === 0x09)) j++;
      if (j < len && src[j] === 0x0d && src[j + 1] === 0x0a) j++;
      if (j >= len || src[j] === 0x0a) {
        i = j; // soft line break
        continue;
      }
      put(b);
    } else if (b === 0x20 || b === 0x09) {
      let j = i;
      while (j < len && (src[j] === 0x20 || src[j] === 0x09)) j++;
      const atEol = j >= len || src[j] === 0x0a || (src[j] === 0x0d && src[j + 1] === 0x0a);
      if (!atEol) for (let k = i; k < j; k++) put(src[k]!);
      i = j - 1;
    } else put(b);
  }
  return o;
}

/**
 * The decoded content of a body in the given transfer encoding (lower case), or undefined
 * when the encoding is unknown. Identity encodings return `body` itself, not a copy.
 */
export function decodeTransfer(body: Uint8Array, encoding: string): Uint8Array | undefined {
  switch (encoding) {
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'base64': {
      const out = Buffer.allocUnsafe(base64(body));
      base64(body, out);
      return out;
    }
    case 'quoted-printable': {
      const out = Buffer.allocUnsafe(quotedPrintable(body));
      quotedPrintable(body, out);
      return out;
    }
    default:
      return undefined;
  }
}

/** The decoded size (RFC 3516 §4.2 BINARY.SIZE) without building the decoded content. */
export function decodedSize(body: Uint8Array, encoding: string): number | undefined {
  switch (encoding) {
    case '7bit':
    case '8bit':
    case 'binary':
      return body.length;
    case 'base64':
      return base64(body);
    case 'quoted-printable':
      return quotedPrintable(body);
    default:
      return undefined;
  }
}
