/**
 * Ricevuta di avvenuta consegna (RFC 6109 §3.3.2): one per recipient, after the envelope is in
 * the mailbox. Variants: completa (postacert.eml whole), breve (attachments replaced by their
 * hashes), sintetica (no original).
 */
import type { ReceiptVariant } from '../../daticert/index.ts';
import type { Chunks } from '../../mime/index.ts';
import { buildReceipt, type BuildContext } from '../receipt.ts';
import { when } from '../texts.ts';
import { briefOriginal, type BriefOptions } from '../breve.ts';
import type { BuiltMessage } from '../model.ts';

export interface DeliveryReceiptInput {
  readonly recipient: string;
  readonly variant: ReceiptVariant;
  /** postacert.eml of the delivered envelope (required for completa and breve). */
  readonly postacert?: Uint8Array;
  readonly brief?: BriefOptions;
}

/**
 * Variant for one recipient (RFC 6109 §3.3.2.1): the requested one for primary (To)
 * recipients, always sintetica for Cc recipients.
 */
export function variantForRecipient(requested: ReceiptVariant, inCcOnly: boolean): ReceiptVariant {
  return inCcOnly ? 'sintetica' : requested;
}

const TITLES: Record<ReceiptVariant, string> = {
  completa: 'Ricevuta di avvenuta consegna',
  breve: 'Ricevuta breve di avvenuta consegna',
  sintetica: 'Ricevuta sintetica di avvenuta consegna',
};

export function buildDeliveryReceipt(ctx: BuildContext, input: DeliveryReceiptInput): Promise<BuiltMessage> {
  const { cert } = ctx;
  let original: Chunks | undefined;
  if (input.variant !== 'sintetica') {
    if (!input.postacert) throw new Error(`a ${input.variant} delivery receipt needs the delivered postacert.eml`);
    original = input.variant === 'completa' ? [input.postacert] : briefOriginal(input.postacert, input.brief);
  }
  return buildReceipt(ctx, {
    kind: 'avvenuta-consegna',
    subjectPrefix: 'CONSEGNA',
    to: cert.sender,
    daticert: { ricevuta: input.variant, consegna: input.recipient },
    ...(original ? { original } : {}),
    body: (t) => ({
      title: TITLES[input.variant],
      paragraphs: [
        `${when(t)} il messaggio "${cert.subject}" proveniente da "${cert.sender}" ed indirizzato a "${input.recipient}" è stato posto nella casella di destinazione.`,
        `Identificativo messaggio: ${cert.pecMsgId}`,
      ],
    }),
  });
}
