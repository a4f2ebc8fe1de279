/**
 * Busta di trasporto (RFC 6109 §3.1.5, §2.1.1.2): the original wrapped and signed by the
 * sender's provider, sent to every recipient. Inherits Received, To, Cc, Return-Path and
 * Reply-To unchanged; From becomes "Per conto di: <sender>" <service address>.
 */
import { formatAddress, type Chunks } from '../../mime/index.ts';
import { composeSigned } from '../compose.ts';
import { daticertOf, type BuildContext } from '../receipt.ts';
import { toLegalTime } from '../../time/legal-time.ts';
import { inheritedFields, postacertOf, type Original } from '../original.ts';
import { recipientLines, when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface TransportEnvelope extends BuiltMessage {
  /** postacert.eml as embedded (delivery receipts attach it, RFC 6109 §3.3.2). */
  readonly postacert: Chunks;
}

export async function buildTransportEnvelope(ctx: BuildContext, original: Original): Promise<TransportEnvelope> {
  const { cert, provider } = ctx;
  const at = ctx.at ?? provider.clock.now();
  const hasReplyTo = original.fields.some((f) => f.key === 'reply-to');
  const fields: [string, string][] = [
    ['X-Trasporto', 'posta-certificata'],
    ['Subject', `POSTA CERTIFICATA: ${cert.subject}`],
    ['From', formatAddress(provider.serviceAddress, `Per conto di: ${cert.sender}`)],
  ];
  if (!hasReplyTo) fields.push(['Reply-To', cert.sender]);
  if (cert.clientMsgId) fields.push(['X-Riferimento-Message-ID', cert.clientMsgId]);
  fields.push(['X-TipoRicevuta', cert.receiptVariant]);
  const postacert = postacertOf(original, cert.pecMsgId);
  const t = toLegalTime(at, provider.timeZone);
  const chunks = await composeSigned({
    provider,
    at,
    messageId: cert.pecMsgId,
    inherited: inheritedFields(original, ['Received', 'Return-Path', 'To', 'Cc', 'Reply-To']),
    fields,
    subject: cert.subject,
    body: {
      title: 'Messaggio di posta certificata',
      paragraphs: [
        `${when(t)} il messaggio "${cert.subject}" è stato inviato da "${cert.sender}" indirizzato a:\n${recipientLines(cert.recipients)}`,
        'Il testo originale si trova nell\'allegato postacert.eml.',
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    },
    daticert: daticertOf(ctx, at, 'posta-certificata', { ricevuta: cert.receiptVariant }),
    original: postacert,
  });
  return { kind: 'posta-certificata', messageId: cert.pecMsgId, chunks, at, postacert };
}
