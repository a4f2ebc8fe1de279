/**
 * Ricevuta di presa in carico (RFC 6109 §3.2.1): from the receiving provider to the sending
 * provider's service mailbox (mailReceipt); lists in <ricezione> the recipients it covers.
 * Never shown to users.
 */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { recipientLines, when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface TakeInChargeInput {
  /** The sending provider's mailReceipt, from the index record of the signer. */
  readonly to: string;
  /** Recipients of this SMTP transaction in our jurisdiction. */
  readonly ricezione: readonly string[];
}

export function buildTakeInCharge(ctx: BuildContext, input: TakeInChargeInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  return buildReceipt(ctx, {
    kind: 'presa-in-carico',
    subjectPrefix: 'PRESA IN CARICO',
    to: input.to,
    daticert: { ricezione: input.ricezione },
    body: (t) => ({
      title: 'Ricevuta di presa in carico',
      paragraphs: [
        `${when(t)} il messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a:\n${recipientLines(cert.recipients)}\nè stato accettato dal sistema.`,
        `Destinatari presi in carico: ${input.ricezione.join(', ')}`,
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
