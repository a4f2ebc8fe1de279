/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII except "&" stands for
 * itself, "&" is written "&-", and any other run of characters is UTF-16 in modified BASE64
 * (RFC 2152 with "," instead of "/", no padding) between "&" and "-". Decoding is strict: only
 * the unique minimal encoding is accepted, so that one name has exactly one wire form.
 */
import { Mutf7Error } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** True for the characters that RFC 3501 §5.1.3 says represent themselves. */
const isDirect = (code: number): boolean => code >= 0x20 && code <= 0x7e;

function encodeRun(units: number[]): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const u of units) {
    acc = (acc << 16) | u;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(acc >>> bits) & 0x3f];
    }
    acc &= (1 << bits) - 1;
  }
  // RFC 2152: the last partial sextet is padded with zero bits.
  if (bits > 0) out += ALPHABET[(acc << (6 - bits)) & 0x3f];
  return `&${out}-`;
}

/** Encodes a Unicode mailbox name into modified UTF-7 (RFC 3501 §5.1.3). */
export function encodeMutf7(name: string): string {
  let out = '';
  let run: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isDirect(code)) {
      if (run.length) {
        out += encodeRun(run);
        run = [];
      }
      out += code === 0x26 ? '&-' : name[i];
    } else {
      run.push(code);
    }
  }
  if (run.length) out += encodeRun(run);
  return out;
}

function decodeRun(b64: string): string {
  if (b64.length === 0) throw new Mutf7Error('Empty "&-" shift is only valid as the encoding of "&"');
  let acc = 0;
  let bits = 0;
  const units: number[] = [];
  for (const c of b64) {
    const v = VALUE.get(c);
    if (v === undefined) throw new Mutf7Error(`Invalid character ${JSON.stringify(c)} in modified BASE64`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >>> bits) & 0xffff);
    }
  }
  // Minimal form: fewer than 6 leftover bits, and all of them zero (RFC 2152 padding).
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) {
    throw new Mutf7Error('Modified BASE64 run is not a whole number of UTF-16 units');
  }
  let out = '';
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (isDirect(u)) throw new Mutf7Error('Printable US-ASCII must not be BASE64-encoded (RFC 3501 §5.1.3)');
    if (u >= 0xd800 && u <= 0xdbff) {
      const lo = units[i + 1];
      if (lo === undefined || lo < 0xdc00 || lo > 0xdfff) throw new Mutf7Error('Unpaired UTF-16 surrogate');
      out += String.fromCharCode(u, lo);
      i++;
      continue;
    }
    if (u >= 0xdc00 && u <= 0xdfff) throw new Mutf7Error('Unpaired UTF-16 surrogate');
    out += String.fromCharCode(u);
  }
  return out;
}

/**
 * Decodes a modified UTF-7 mailbox name. Throws {@link Mutf7Error} on an unterminated shift,
 * characters outside the alphabet, 8-bit or control characters, encoded printable ASCII,
 * non-zero padding bits, broken surrogates, or two adjacent encoded runs (not minimal).
 */
export function decodeMutf7(wire: string): string {
  let out = '';
  let i = 0;
  let lastWasRun = false;
  while (i < wire.length) {
    const code = wire.charCodeAt(i);
    if (!isDirect(code)) throw new Mutf7Error('Mailbox name contains a character outside printable US-ASCII');
    if (code !== 0x26) {
      out += wire[i];
      i++;
      lastWasRun = false;
      continue;
    }
    const end = wire.indexOf('-', i + 1);
    if (end < 0) throw new Mutf7Error('Unterminated "&" shift in mailbox name');
    if (end === i + 1) {
      out += '&';
      lastWasRun = false;
    } else {
      if (lastWasRun) throw new Mutf7Error('Adjacent BASE64 runs must be merged (RFC 3501 §5.1.3)');
      out += decodeRun(wire.slice(i + 1, end));
      lastWasRun = true;
    }
    i = end + 1;
  }
  return out;
}
