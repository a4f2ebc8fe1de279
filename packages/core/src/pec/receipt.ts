/**
 * What every receipt and notice shares (RFC 6109 §2.1.1.1, §3): From the service address,
 * `X-Ricevuta`, `X-Riferimento-Message-ID`, subject = prefix + original subject, a new
 * Message-ID, one legal time for Date, body and daticert.xml.
 */
import type { Daticert, DaticertErrore, DaticertTipo, ReceiptVariant } from '../daticert/index.ts';
import { toLegalTime, type LegalTime } from '../time/legal-time.ts';
import type { Chunks, HeaderList } from '../mime/index.ts';
import { composeSigned } from './compose.ts';
import { newMessageId } from './ids.ts';
import type { BuiltMessage, Certification, PecKind, ProviderIdentity, XRicevuta } from './model.ts';
import type { BodyText } from './texts.ts';

/** Inputs common to every builder. */
export interface BuildContext {
  readonly provider: ProviderIdentity;
  readonly cert: Certification;
  /** Event time; the provider clock when absent. */
  readonly at?: Date;
}

export interface DaticertExtra {
  readonly errore?: DaticertErrore;
  readonly erroreEsteso?: string;
  readonly consegna?: string;
  readonly ricezione?: readonly string[];
  readonly ricevuta?: ReceiptVariant;
}

/** The certification data as daticert.xml (RFC 6109 §4.4). */
export function daticertOf(ctx: BuildContext, at: Date, tipo: DaticertTipo, extra: DaticertExtra = {}): Daticert {
  const { cert, provider } = ctx;
  const d: Daticert = {
    tipo,
    errore: extra.errore ?? 'nessuno',
    mittente: cert.sender,
    destinatari: cert.recipients.map((r) => ({ address: r.address, tipo: r.type })),
    risposte: cert.replyTo,
    oggetto: cert.subject,
    gestoreEmittente: provider.name,
    data: toLegalTime(at, provider.timeZone),
    identificativo: cert.pecMsgId,
    ricezione: [...(extra.ricezione ?? [])],
  };
  if (cert.clientMsgId) d.msgid = cert.clientMsgId;
  if (extra.ricevuta) d.ricevuta = extra.ricevuta;
  if (extra.consegna) d.consegna = extra.consegna;
  if (extra.erroreEsteso) d.erroreEsteso = extra.erroreEsteso;
  return d;
}

export interface ReceiptSpec {
  readonly kind: XRicevuta;
  readonly subjectPrefix: string;
  /** Addressee: the original sender, or a provider's service mailbox. */
  readonly to: string;
  readonly extraHeaders?: HeaderList;
  readonly body: (t: LegalTime) => BodyText;
  readonly daticert: DaticertExtra;
  readonly original?: Chunks;
}

/** Builds, signs and returns one receipt or notice. */
export async function buildReceipt(ctx: BuildContext, spec: ReceiptSpec): Promise<BuiltMessage> {
  const at = ctx.at ?? ctx.provider.clock.now();
  const messageId = newMessageId(ctx.provider.domain, at);
  const subject = `${spec.subjectPrefix}: ${ctx.cert.subject}`;
  const fields: [string, string][] = [
    ['X-Ricevuta', spec.kind],
    ...(spec.extraHeaders ?? []).map(([n, v]) => [n, v] as [string, string]),
    ['Subject', subject],
    ['From', ctx.provider.serviceAddress],
    ['To', spec.to],
  ];
  if (ctx.cert.clientMsgId) fields.push(['X-Riferimento-Message-ID', ctx.cert.clientMsgId]);
  const chunks = await composeSigned({
    provider: ctx.provider,
    at,
    messageId,
    fields,
    subject,
    body: spec.body(toLegalTime(at, ctx.provider.timeZone)),
    daticert: daticertOf(ctx, at, spec.kind, spec.daticert),
    ...(spec.original ? { original: spec.original } : {}),
  });
  return { kind: spec.kind as PecKind, messageId, chunks, at };
}
