/**
 * Avviso di mancata consegna per virus (RFC 6109 §3.2.4): sent by the sending provider to its
 * user on receipt of a virus detection notice, with the data of that notice.
 */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface VirusNonDeliveryInput {
  readonly recipient: string;
  readonly virus: string;
}

export function buildVirusNonDelivery(ctx: BuildContext, input: VirusNonDeliveryInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  return buildReceipt(ctx, {
    kind: 'errore-consegna',
    subjectPrefix: 'AVVISO DI MANCATA CONSEGNA PER VIRUS',
    to: cert.sender,
    extraHeaders: [['X-VerificaSicurezza', 'errore']],
    daticert: { errore: 'virus', consegna: input.recipient, erroreEsteso: `5.7.1 - ${ctx.provider.name} - presenza di un virus nel messaggio (${input.virus})` },
    body: (t) => ({
      title: 'Avviso di mancata consegna per virus',
      paragraphs: [
        `${when(t)} è stato rilevato un errore di consegna per la presenza di un virus (contenuto rilevato: ${input.virus}) nel messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}".`,
        'Il messaggio non è stato consegnato.',
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
