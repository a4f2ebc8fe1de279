/**
 * The PEC message model (RFC 6109; DM 2/11/2005 art. 6): the kinds of messages a provider
 * emits, and the certification data of a transaction they all share.
 */
import type { RecipientType, ReceiptVariant } from '../daticert/index.ts';
import type { Clock } from '../clock.ts';
import type { DigestName, Signer } from '../smime/index.ts';

/** Every kind a message can be classified as (CLI and API vocabulary). */
export const PEC_KINDS = [
  'posta-certificata', 'anomalia', 'accettazione', 'non-accettazione', 'presa-in-carico',
  'avvenuta-consegna', 'errore-consegna', 'preavviso-errore-consegna', 'rilevazione-virus', 'ordinaria',
] as const;
export type PecKind = (typeof PEC_KINDS)[number];

/** Values of the X-Ricevuta header (RFC 6109 §2.1.1.1). */
export const X_RICEVUTA = [
  'accettazione', 'non-accettazione', 'presa-in-carico', 'avvenuta-consegna', 'errore-consegna',
  'preavviso-errore-consegna', 'rilevazione-virus',
] as const;
export type XRicevuta = (typeof X_RICEVUTA)[number];

export interface CertifiedRecipient {
  readonly address: string;
  readonly type: RecipientType;
}

/**
 * Certification data of one transaction: taken from the SMTP envelope of the submission
 * (RFC 6109 §2.1), identical in every message of the transaction.
 */
export interface Certification {
  /** SMTP MAIL FROM of the original. */
  readonly sender: string;
  /** SMTP RCPT TO of the original, each flagged certified or external. */
  readonly recipients: readonly CertifiedRecipient[];
  /** Original Reply-To, or the sender when absent (daticert `risposte`). */
  readonly replyTo: string;
  /** Original subject, decoded. */
  readonly subject: string;
  /** Client Message-ID with angle brackets, when the client sent one. */
  readonly clientMsgId?: string;
  /** Message-ID of the transport envelope, without angle brackets. */
  readonly pecMsgId: string;
  /** Receipt variant requested by the sender (X-TipoRicevuta; default completa). */
  readonly receiptVariant: ReceiptVariant;
}

/** What a provider needs to emit signed messages. */
export interface ProviderIdentity {
  /** Descriptive name written in daticert `gestore-emittente`. */
  readonly name: string;
  /** Provider mail domain (Message-IDs, service address). */
  readonly domain: string;
  /** Service address: From of every generated message, e-mail of the signing certificate. */
  readonly serviceAddress: string;
  readonly signer: Signer;
  /** Digest for signatures; SHA-256 by default, SHA-1 as real providers still use. */
  readonly digest: DigestName;
  /** Zone of the legal time (DM 2/11/2005 art. 9): Europe/Rome. */
  readonly timeZone: string;
  readonly clock: Clock;
}

/** A message built by a provider: wire bytes as chunks plus what the log needs. */
export interface BuiltMessage {
  readonly kind: PecKind;
  /** Message-ID of this message, without angle brackets. */
  readonly messageId: string;
  readonly chunks: Uint8Array[];
  readonly at: Date;
}
