/**
 * The certification data of a PEC message: the typed model of daticert.xml (RFC 6109 §4.4).
 * Element and attribute vocabularies are reproduced literally from the DTD; the lists below
 * are the single source for validation, the reader, the writer and the CLI.
 */
import type { LegalTime } from '../time/legal-time.ts';

/** Values of `postacert/@tipo`: the message type, as `X-Ricevuta` plus `posta-certificata`. */
export const DATICERT_TIPI = [
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'posta-certificata',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
] as const;

/** Values of `postacert/@errore` (DTD default `nessuno`). */
export const DATICERT_ERRORI = ['nessuno', 'no-dest', 'no-dominio', 'virus', 'altro'] as const;

/** Values of `destinatari/@tipo`: recipient in a PEC domain of the index, or ordinary mail. */
export const RECIPIENT_TYPES = ['certificato', 'esterno'] as const;

/** Values of `ricevuta/@tipo`: the delivery-receipt variant requested by the sender. */
export const RECEIPT_VARIANTS = ['completa', 'breve', 'sintetica'] as const;

/** Message type carried by a daticert.xml. */
export type DaticertTipo = (typeof DATICERT_TIPI)[number];
/** Error class carried by a daticert.xml. */
export type DaticertErrore = (typeof DATICERT_ERRORI)[number];
/** Kind of a recipient: `certificato` (PEC) or `esterno` (ordinary mail). */
export type RecipientType = (typeof RECIPIENT_TYPES)[number];
/** Delivery-receipt variant (RFC 6109 §3.3.2). */
export type ReceiptVariant = (typeof RECEIPT_VARIANTS)[number];

/** File name of the certification-data part (RFC 6109 writes "certdata.xml": a translation slip). */
export const DATICERT_FILENAME = 'daticert.xml';
/** Media type of the certification-data part (RFC 6109 §4.3). */
export const DATICERT_MEDIA_TYPE = 'application/xml';

/** One `<destinatari>`: one per recipient of the original, from the SMTP envelope. */
export interface DaticertRecipient {
  address: string;
  tipo: RecipientType;
}

/**
 * The content of one daticert.xml. Optional properties are absent (not `undefined`) when the
 * element is absent, so that a read model compares equal to the one it was written from.
 */
export interface Daticert {
  /** `postacert/@tipo` */
  tipo: DaticertTipo;
  /** `postacert/@errore` */
  errore: DaticertErrore;
  /** `intestazione/mittente`: SMTP MAIL FROM of the original, bare addr-spec. */
  mittente: string;
  /** `intestazione/destinatari`, one or more (To and Cc, from RCPT TO). */
  destinatari: DaticertRecipient[];
  /** `intestazione/risposte`: the original Reply-To, or the sender when absent. */
  risposte: string;
  /** `intestazione/oggetto`: original subject, decoded text; kept verbatim (spaces included). */
  oggetto?: string;
  /** `dati/gestore-emittente`: descriptive name of the provider issuing this document. */
  gestoreEmittente: string;
  /** `dati/data`: the legal time of this step. */
  data: LegalTime;
  /** `dati/identificativo`: PEC msgid of the transport envelope, without angle brackets. */
  identificativo: string;
  /** `dati/msgid`: client Message-ID before substitution, **with** angle brackets. */
  msgid?: string;
  /** `dati/ricevuta/@tipo`: requested receipt variant. */
  ricevuta?: ReceiptVariant;
  /** `dati/consegna`: the recipient this document is about. */
  consegna?: string;
  /** `dati/ricezione`: recipients covered by a take-in-charge receipt (possibly none). */
  ricezione: string[];
  /** `dati/errore-esteso`: short error description; kept verbatim. */
  erroreEsteso?: string;
}

/** True when `s` is a {@link DaticertTipo}. */
export function isDaticertTipo(s: string): s is DaticertTipo {
  return (DATICERT_TIPI as readonly string[]).includes(s);
}

/** True when `s` is a {@link DaticertErrore}. */
export function isDaticertErrore(s: string): s is DaticertErrore {
  return (DATICERT_ERRORI as readonly string[]).includes(s);
}

/** True when `s` is a {@link RecipientType}. */
export function isRecipientType(s: string): s is RecipientType {
  return (RECIPIENT_TYPES as readonly string[]).includes(s);
}

/** True when `s` is a {@link ReceiptVariant}. */
export function isReceiptVariant(s: string): s is ReceiptVariant {
  return (RECEIPT_VARIANTS as readonly string[]).includes(s);
}
