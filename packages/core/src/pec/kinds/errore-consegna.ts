/**
 * Avviso di mancata consegna (RFC 6109 §3.3.3): one per certified recipient that could not be
 * delivered. `errore-esteso` follows the observed `<x.y.z> - <provider> - <text>` form with
 * RFC 3463 codes (AgID NOTA 12's full table is not public; see docs/decisions).
 */
import type { DaticertErrore } from '../../daticert/index.ts';
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

/** Reasons a delivery fails, with their daticert `errore` class and enhanced status code. */
export const NON_DELIVERY_REASONS = {
  'no-such-user': { errore: 'no-dest', code: '5.1.1', text: 'utente inesistente' },
  'no-such-domain': { errore: 'no-dominio', code: '5.1.2', text: 'dominio inesistente' },
  'mailbox-disabled': { errore: 'altro', code: '5.2.1', text: 'casella esistente ma temporaneamente disattivata' },
  'mailbox-read-only': { errore: 'altro', code: '5.2.1', text: 'casella non in grado di accettare messaggi' },
  'mailbox-full': { errore: 'altro', code: '5.2.2', text: 'casella piena' },
  'message-too-big': { errore: 'altro', code: '5.3.4', text: 'dimensione del messaggio superiore al limite' },
  other: { errore: 'altro', code: '5.0.0', text: 'errore di consegna' },
} as const satisfies Record<string, { errore: DaticertErrore; code: string; text: string }>;
export type NonDeliveryReason = keyof typeof NON_DELIVERY_REASONS;

export interface NonDeliveryInput {
  readonly recipient: string;
  readonly reason: NonDeliveryReason;
  /** Extra detail appended to the standard text. */
  readonly detail?: string;
}

export function buildNonDelivery(ctx: BuildContext, input: NonDeliveryInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  const r = NON_DELIVERY_REASONS[input.reason];
  const esteso = `${r.code} - ${ctx.provider.name} - ${r.text}${input.detail ? ` (${input.detail})` : ''}`;
  return buildReceipt(ctx, {
    kind: 'errore-consegna',
    subjectPrefix: 'AVVISO DI MANCATA CONSEGNA',
    to: cert.sender,
    daticert: { errore: r.errore, consegna: input.recipient, erroreEsteso: esteso },
    body: (t) => ({
      title: 'Avviso di mancata consegna',
      paragraphs: [
        `${when(t)} nel messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}" è stato rilevato un errore: ${esteso}.`,
        'Il messaggio è stato rifiutato dal sistema.',
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
