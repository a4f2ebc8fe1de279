/**
 * Assembles and signs a provider-generated message (RFC 6109 §4.3, layout observed on real
 * providers):
 *
 *   multipart/signed (protocol="application/x-pkcs7-signature")
 *   ├── multipart/mixed                 <- the signed content
 *   │   ├── multipart/alternative (text/plain, text/html)
 *   │   ├── application/xml  daticert.xml  (absent in the anomaly envelope)
 *   │   └── message/rfc822   postacert.eml (where the kind requires it)
 *   └── application/x-pkcs7-signature smime.p7s
 */
import { isAscii } from 'node:buffer';
import { writeDaticert, type Daticert } from '../daticert/index.ts';
import { formatRfc5322Date } from '../time/legal-time.ts';
import {
  base64Body, encodeUnstructured, entity, multipartBody, newBoundary, textPart,
  utf8Encoder, type Chunks, type HeaderList,
} from '../mime/index.ts';
import { micalgFor, signDetached } from '../smime/index.ts';
import type { ProviderIdentity } from './model.ts';
import { renderHtml, renderText, type BodyText } from './texts.ts';
import { bracketed } from './ids.ts';

export interface ComposeInput {
  readonly provider: ProviderIdentity;
  readonly at: Date;
  readonly messageId: string;
  /** Raw header fields copied unchanged from the original (Received, To, Cc, Return-Path …). */
  readonly inherited?: readonly Uint8Array[];
  /** Headers set by this message, in order, values not yet encoded; From/To/Subject included. */
  readonly fields: HeaderList;
  readonly subject: string;
  readonly body: BodyText;
  readonly daticert?: Daticert;
  /** The original as postacert.eml, CRLF line ends. */
  readonly original?: Chunks;
  /** The Message-ID field is among the inherited ones (anomaly envelope, RFC 6109 §3.2.2). */
  readonly inheritsMessageId?: boolean;
}

function has8bit(chunks: Chunks): boolean {
  return chunks.some((c) => !isAscii(c));
}

/** Builds the signed content (the multipart/mixed entity) as chunks. */
export function signedContent(input: ComposeInput): Chunks {
  const alt = newBoundary('alt');
  const textParts = entity(
    [['Content-Type', `multipart/alternative; boundary="${alt}"`]],
    multipartBody(alt, [textPart('plain', renderText(input.body)), textPart('html', renderHtml(input.body))]),
  );
  const parts: Chunks[] = [textParts];
  if (input.daticert) {
    const xml = utf8Encoder.encode(writeDaticert(input.daticert));
    parts.push(entity(
      [
        ['Content-Type', 'application/xml; name="daticert.xml"'],
        ['Content-Transfer-Encoding', 'base64'],
        ['Content-Disposition', 'inline; filename="daticert.xml"'],
      ],
      base64Body(xml),
    ));
  }
  let eightBit = false;
  if (input.original) {
    eightBit = has8bit(input.original);
    const original = [...input.original];
    // The part must end with a line break so the next delimiter starts a line (RFC 2046 §5.1.1).
    const last = original[original.length - 1];
    if (last && last.length > 0 && last[last.length - 1] !== 0x0a) original.push(utf8Encoder.encode('\r\n'));
    parts.push(entity(
      [
        ['Content-Type', 'message/rfc822; name="postacert.eml"'],
        ['Content-Transfer-Encoding', eightBit ? '8bit' : '7bit'],
        ['Content-Disposition', 'inline; filename="postacert.eml"'],
      ],
      original,
    ));
  }
  const mixed = newBoundary('mixed');
  const fields: [string, string][] = [['Content-Type', `multipart/mixed; boundary="${mixed}"`]];
  if (eightBit) fields.push(['Content-Transfer-Encoding', '8bit']);
  return entity(fields, multipartBody(mixed, parts));
}

/** Builds and signs the whole message. Returns wire chunks (CRLF, ready for SMTP DATA). */
export async function composeSigned(input: ComposeInput): Promise<Chunks> {
  const { provider, at } = input;
  const content = signedContent(input);
  const signature = await signDetached(content, provider.signer, { digest: provider.digest, signingTime: at });
  const outer = newBoundary('signed');
  const fields: [string, string][] = [];
  for (const [name, value] of input.fields) {
    fields.push([name, name.toLowerCase() === 'subject' ? encodeUnstructured(value) : value]);
  }
  fields.push(
    ['Date', formatRfc5322Date(at, provider.timeZone)],
    ...(input.inheritsMessageId ? [] : [['Message-ID', bracketed(input.messageId)] as [string, string]]),
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/signed; protocol="application/x-pkcs7-signature"; micalg="${micalgFor(provider.digest)}"; boundary="${outer}"`],
  );
  const sigPart = entity(
    [
      ['Content-Type', 'application/x-pkcs7-signature; name="smime.p7s"'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    base64Body(signature),
  );
  const head = entity(fields, multipartBody(outer, [content, sigPart], 'This is an S/MIME signed message'));
  // Inherited fields (raw bytes of the original) go first, as trace fields do (RFC 5321 §4.4).
  return [...(input.inherited ?? []), ...head];
}

