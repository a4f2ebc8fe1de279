/**
 * Avviso di non accettazione (RFC 6109 §3.1.2, §3.1.3): formal exception or virus. The original
 * MUST NOT be attached.
 */
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { recipientLines, when } from '../texts.ts';
import type { BuiltMessage } from '../model.ts';

export interface NonAcceptanceInput {
  /** Why the message was refused (errore-esteso), e.g. "Bcc non ammesso". */
  readonly reason: string;
  /** Name of the detected malicious content: makes it the virus variant. */
  readonly virus?: string;
}

export function buildNonAcceptance(ctx: BuildContext, input: NonAcceptanceInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  const virus = input.virus !== undefined;
  return buildReceipt(ctx, {
    kind: 'non-accettazione',
    subjectPrefix: virus ? 'AVVISO DI NON ACCETTAZIONE PER VIRUS' : 'AVVISO DI NON ACCETTAZIONE',
    to: cert.sender,
    extraHeaders: virus ? [['X-VerificaSicurezza', 'errore']] : [],
    daticert: { errore: virus ? 'virus' : 'altro', erroreEsteso: input.reason },
    body: (t) => ({
      title: virus ? 'Errore nell\'accettazione del messaggio per presenza di virus' : 'Errore nell\'accettazione del messaggio',
      paragraphs: [
        virus
          ? `${when(t)} nel messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a:\n${recipientLines(cert.recipients)}\nè stato rilevato un problema di sicurezza (contenuto rilevato: ${input.virus}) che ne impedisce l'accettazione: ${input.reason}.`
          : `${when(t)} nel messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a:\n${recipientLines(cert.recipients)}\nè stato rilevato un problema che ne impedisce l'accettazione a causa di: ${input.reason}.`,
        'Il messaggio non è stato accettato.',
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
