/**
 * Avvisi di mancata consegna per superamento dei tempi massimi (RFC 6109 §3.1.6; DPR 68/2005
 * art. 8): 12 h warning and 24 h final notice, to the original sender (the RFC's "To: original
 * recipient" is treated as an erratum, docs/decisions/0003). The original MUST NOT be attached.
 */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface TimeoutNoticeInput {
  readonly recipient: string;
  readonly hours: 12 | 24;
}

export function buildTimeoutNotice(ctx: BuildContext, input: TimeoutNoticeInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  const final = input.hours === 24;
  // 4.4.7 / 5.4.7: RFC 3463 "delivery time expired", transient at 12 h, permanent at 24 h.
  const esteso = `${final ? '5.4.7' : '4.4.7'} - ${ctx.provider.name} - mancata consegna entro ${input.hours} ore`;
  return buildReceipt(ctx, {
    kind: 'preavviso-errore-consegna',
    subjectPrefix: 'AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO',
    to: cert.sender,
    daticert: { errore: 'altro', consegna: input.recipient, erroreEsteso: esteso },
    body: (t) => ({
      title: final ? 'Avviso di mancata consegna per superamento dei tempi massimi' : 'Preavviso di mancata consegna',
      paragraphs: [
        final
          ? `${when(t)} il messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}" non è stato consegnato nelle 24 ore successive al suo invio. La trasmissione è da considerarsi conclusa con esito negativo.`
          : `${when(t)} il messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}" non è stato consegnato nelle 12 ore successive al suo invio. Il messaggio potrebbe ancora essere consegnato, ma la consegna potrebbe non andare a buon fine: se entro le prossime 12 ore non perverrà la ricevuta di consegna sarà inviato un ulteriore avviso.`,
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
