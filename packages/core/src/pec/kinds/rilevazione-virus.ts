/**
 * Avviso di rilevazione virus (RFC 6109 §3.2.3): from the receiving provider to the sending
 * provider's service mailbox, one per affected recipient; carries X-Mittente. The original
 * MUST NOT be attached.
 */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface VirusDetectionInput {
  readonly to: string;
  readonly recipient: string;
  /** Name of the detected content. */
  readonly virus: string;
}

export function buildVirusDetection(ctx: BuildContext, input: VirusDetectionInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  return buildReceipt(ctx, {
    kind: 'rilevazione-virus',
    subjectPrefix: 'PROBLEMA DI SICUREZZA',
    to: input.to,
    extraHeaders: [['X-Mittente', cert.sender]],
    daticert: { errore: 'virus', consegna: input.recipient, erroreEsteso: `5.7.1 - ${ctx.provider.name} - presenza di un virus nel messaggio (${input.virus})` },
    body: (t) => ({
      title: 'Problema di sicurezza',
      paragraphs: [
        `${when(t)} nel messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}" è stato rilevato un problema di sicurezza (contenuto rilevato: ${input.virus}).`,
        'Il messaggio non è stato consegnato.',
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
