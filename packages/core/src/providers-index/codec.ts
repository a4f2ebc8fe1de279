/** Strict base64 and PEM helpers for index values (certificates travel as base64 in LDIF and
 * as PEM in the JSON file form). */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes base64 (RFC 4648 §4 alphabet, padded, no whitespace); `undefined` if the text is not
 * exactly that. Node's own decoder silently skips bad characters, so the check comes first.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** Encodes bytes as base64 on one line. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * DER bytes of a single PEM certificate (RFC 7468 §5: one CERTIFICATE block, base64 lines in
 * between, whitespace ignored). Returns a reason string instead when it cannot.
 */
export function pemToDer(pem: string): Uint8Array | string {
  const t = pem.trim();
  const single = 'is not a single PEM block "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----"';
  if (!t.startsWith(PEM_BEGIN) || !t.endsWith(PEM_END) || t.length < PEM_BEGIN.length + PEM_END.length) return single;
  const body = t.slice(PEM_BEGIN.length, t.length - PEM_END.length);
  if (body.includes('-----')) return single;
  const der = decodeBase64Strict(body.replace(/[\t\n\r ]+/g, ''));
  if (der === undefined || der.length === 0) return 'contains invalid base64 between the PEM lines';
  return der;
}

/** PEM text of a DER certificate, 64 columns (RFC 7468 §2), ending with a newline. */
export function derToPem(der: Uint8Array): string {
  const b64 = encodeBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
