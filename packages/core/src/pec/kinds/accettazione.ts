/** Ricevuta di accettazione (RFC 6109 §3.1.4): to the sender, one per submission. */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { recipientLines, when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export function buildAcceptance(ctx: BuildContext): Promise<BuiltMessage> {
  const { cert } = ctx;
  return buildReceipt(ctx, {
    kind: 'accettazione',
    subjectPrefix: 'ACCETTAZIONE',
    to: cert.sender,
    daticert: {},
    body: (t) => ({
      title: 'Ricevuta di accettazione',
      paragraphs: [
        `${when(t)} il messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a:\n${recipientLines(cert.recipients)}\nè stato accettato dal sistema ed inoltrato.`,
        `Identificativo messaggio: ${cert.pecMsgId}`,
        "L'allegato daticert.xml contiene informazioni di servizio sulla trasmissione.",
      ],
    }),
  });
}
