/**
 * Classifier: given any raw message, says what it is (a PEC kind or ordinary mail), extracts the
 * certification data and checks everything a reception point must check (RFC 6109 §2.2.2,
 * §5.3 of the digest): signature structure, integrity, chain, index membership, From = signer,
 * and the formal consistency of headers, parts and daticert.xml.
 */
import { isReceiptVariant, type Daticert, type ReceiptVariant } from '../daticert/index.ts';
import { toProblem, type Problem } from '../errors.ts';
import { decodeWords, headerValue, parseAddressList, parseMessage, type HeaderField, type ParsedMessage } from '../mime/index.ts';
import type { ProvidersIndex } from '../providers-index/index.ts';
import { checkFormat } from './format-checks.ts';
import { checkSignature, type SignatureReport } from './signature-checks.ts';
import { X_RICEVUTA, type CertifiedRecipient, type PecKind } from './model.ts';
import { unbracketed } from './ids.ts';

export interface InspectOptions {
  /** Trust anchors (PEM certificates) for the signer's chain. */
  readonly trustAnchorsPem?: readonly string[];
  /** Providers' index: signer certificate must be a provider's (RFC 6109 §2.2.2 step 2). */
  readonly index?: ProvidersIndex;
  /** Instant at which certificates must be valid. */
  readonly at: Date;
}

export interface Inspection {
  readonly kind: PecKind;
  readonly variant?: ReceiptVariant;
  /** daticert `errore`. */
  readonly error?: string;
  readonly errorDetail?: string;
  readonly pecMsgId?: string;
  readonly clientMsgId?: string;
  readonly sender?: string;
  readonly recipients: CertifiedRecipient[];
  readonly subject?: string;
  /** ISO 8601 instant of the certified event (daticert), or the Date header. */
  readonly date?: string;
  /** The provider that issued it (daticert gestore-emittente). */
  readonly issuer?: string;
  /** Message-ID of this message itself (without brackets), when it has one. */
  readonly messageId?: string;
  readonly signature: SignatureReport;
  readonly daticert?: Daticert;
  readonly problems: Problem[];
  /** True when the message is well-formed PEC with a valid, trusted signature. */
  readonly ok: boolean;
}

function kindFromHeaders(msg: ParsedMessage): PecKind {
  const ricevuta = headerValue(msg.root.headers, 'x-ricevuta')?.trim().toLowerCase();
  if (ricevuta && (X_RICEVUTA as readonly string[]).includes(ricevuta)) return ricevuta as PecKind;
  const trasporto = headerValue(msg.root.headers, 'x-trasporto')?.trim().toLowerCase();
  if (trasporto === 'posta-certificata') return 'posta-certificata';
  if (trasporto === 'errore') return 'anomalia';
  return 'ordinaria';
}

const absent: SignatureReport = { status: 'absent', trusted: false };

/** Classifies and verifies one raw message. Never throws. */
export async function inspectMessage(raw: Uint8Array, opts: InspectOptions): Promise<Inspection> {
  let msg: ParsedMessage;
  try {
    msg = parseMessage(raw);
  } catch (err) {
    return { kind: 'ordinaria', recipients: [], signature: absent, problems: [toProblem(err, 'MIME_MALFORMED')], ok: false };
  }
  const problems: Problem[] = [...msg.problems];
  const claimed = kindFromHeaders(msg);
  const headers = msg.root.headers;
  const { report, content } = await checkSignature(msg, opts, problems);
  const format = claimed === 'ordinaria' ? undefined : checkFormat(msg, content, claimed, problems);
  const d = format?.daticert;
  const headerSubject = decodeWords(headerValue(headers, 'subject') ?? '');
  const result: Inspection = {
    kind: claimed,
    ...variantOf(claimed, d, headerValue(headers, 'x-tiporicevuta')),
    ...(d ? { error: d.errore } : {}),
    ...(d?.erroreEsteso ? { errorDetail: d.erroreEsteso } : {}),
    ...(d ? { pecMsgId: d.identificativo } : claimed === 'posta-certificata' || claimed === 'anomalia' ? optionalId(headerValue(headers, 'message-id')) : {}),
    ...clientId(d, headerValue(headers, 'x-riferimento-message-id')),
    ...senderOf(claimed, d, headers),
    recipients: d ? d.destinatari.map((x) => ({ address: x.address, type: x.tipo })) : isReceipt(claimed) ? [] : headerRecipients(msg),
    subject: d?.oggetto ?? headerSubject,
    ...dateOf(d, headerValue(headers, 'date')),
    ...(d ? { issuer: d.gestoreEmittente, daticert: d } : {}),
    ...optionalMessageId(headerValue(headers, 'message-id')),
    signature: report,
    problems,
    ok: claimed !== 'ordinaria' && report.status === 'valid' && report.trusted && problems.length === 0,
  };
  return result;
}

/** Variant of a delivery receipt, or the one an envelope requests (X-TipoRicevuta, §3.3.2.1). */
function variantOf(kind: PecKind, d: Daticert | undefined, header: string | undefined): { variant?: ReceiptVariant } {
  if (kind === 'avvenuta-consegna' && d?.ricevuta) return { variant: d.ricevuta };
  if (kind !== 'posta-certificata') return {};
  const v = d?.ricevuta ?? header?.trim().toLowerCase() ?? 'completa';
  return isReceiptVariant(v) ? { variant: v } : {};
}

function isReceipt(kind: PecKind): boolean {
  return kind !== 'ordinaria' && kind !== 'posta-certificata' && kind !== 'anomalia';
}

/**
 * The original sender: daticert `mittente`; without it, on envelopes the address in
 * `From: "Per conto di: <sender>"` (RFC 6109 §3.1.5), else Reply-To; on ordinary mail From. A
 * receipt without readable daticert has no trustworthy sender: none is reported.
 */
function senderOf(kind: PecKind, d: Daticert | undefined, headers: readonly HeaderField[]): { sender?: string } {
  if (d) return { sender: d.mittente };
  if (isReceipt(kind)) return {};
  const from = parseAddressList(headerValue(headers, 'from'))[0];
  if (kind === 'ordinaria') return from ? { sender: from.address } : {};
  const onBehalf = /per conto di:\s*<?([^\s<>"]+@[^\s<>"]+)/i.exec(from?.name ?? '')?.[1];
  const replyTo = parseAddressList(headerValue(headers, 'reply-to'))[0]?.address;
  const sender = onBehalf ?? replyTo;
  return sender ? { sender } : {};
}

function optionalMessageId(v: string | undefined): { messageId?: string } {
  return v ? { messageId: unbracketed(v) } : {};
}

function optionalId(v: string | undefined): { pecMsgId?: string } {
  return v ? { pecMsgId: unbracketed(v) } : {};
}

function clientId(d: Daticert | undefined, header: string | undefined): { clientMsgId?: string } {
  const v = d?.msgid ?? header?.trim();
  return v ? { clientMsgId: v } : {};
}

function headerRecipients(msg: ParsedMessage): CertifiedRecipient[] {
  return msg.root.headers
    .filter((f) => f.key === 'to' || f.key === 'cc')
    .flatMap((f) => parseAddressList(f.value))
    .map((m) => ({ address: m.address, type: 'esterno' as const }));
}

function dateOf(d: Daticert | undefined, header: string | undefined): { date?: string } {
  if (d) {
    const [dd, mm, yyyy] = d.data.giorno.split('/');
    const zona = d.data.zona;
    const iso = `${yyyy}-${mm}-${dd}T${d.data.ora}${zona.slice(0, 3)}:${zona.slice(3)}`;
    const t = new Date(iso);
    if (!Number.isNaN(t.getTime())) return { date: t.toISOString() };
  }
  if (header) {
    const t = new Date(header);
    if (!Number.isNaN(t.getTime())) return { date: t.toISOString() };
  }
  return {};
}
