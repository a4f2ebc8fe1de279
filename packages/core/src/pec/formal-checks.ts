/**
 * Formal checks of the access point (RFC 6109 §3.1.1; DM 2/11/2005 art. 12): a submission that
 * fails any of them gets a non-acceptance notice (§3.1.2) instead of an envelope. Pure: the
 * caller passes the SMTP envelope and the sender's limits.
 */
import { headerValues, isAddrSpec, parseAddressList } from '../mime/index.ts';
import type { Original } from './original.ts';

export interface SubmissionLimits {
  readonly maxMessageBytes: number;
  readonly maxRecipients: number;
  /** Largest size × number of recipients. */
  readonly maxTotalBytes: number;
}

export interface FormalViolation {
  readonly code: 'FROM_INVALID' | 'TO_MISSING' | 'SENDER_MISMATCH' | 'RCPT_NOT_IN_HEADERS' | 'BCC_PRESENT'
    | 'TOO_MANY_RECIPIENTS' | 'MESSAGE_TOO_LARGE' | 'TOTAL_SIZE_EXCEEDED';
  /** Italian text for errore-esteso and the notice body. */
  readonly reason: string;
}

const lower = (s: string): string => s.trim().toLowerCase();

export function formalChecks(
  o: Original,
  envelope: { readonly mailFrom: string; readonly rcptTo: readonly string[] },
  limits: SubmissionLimits,
): FormalViolation[] {
  const out: FormalViolation[] = [];
  const from = headerValues(o.fields, 'from').flatMap((v) => parseAddressList(v));
  if (from.length !== 1 || !isAddrSpec(from[0]!.address)) {
    out.push({ code: 'FROM_INVALID', reason: "l'intestazione From deve contenere un solo indirizzo valido" });
  } else if (lower(from[0]!.address) !== lower(envelope.mailFrom)) {
    out.push({ code: 'SENDER_MISMATCH', reason: `il mittente ${from[0]!.address} non coincide con il mittente della busta SMTP ${envelope.mailFrom}` });
  }
  const to = headerValues(o.fields, 'to').flatMap((v) => parseAddressList(v));
  const cc = headerValues(o.fields, 'cc').flatMap((v) => parseAddressList(v));
  if (to.length === 0 || to.some((m) => !isAddrSpec(m.address))) {
    out.push({ code: 'TO_MISSING', reason: "l'intestazione To deve contenere uno o più indirizzi validi" });
  }
  const visible = new Set([...to, ...cc].map((m) => lower(m.address)));
  const hidden = envelope.rcptTo.filter((r) => !visible.has(lower(r)));
  if (hidden.length > 0) {
    out.push({ code: 'RCPT_NOT_IN_HEADERS', reason: `destinatari non presenti in To o Cc: ${hidden.join(', ')}` });
  }
  if (headerValues(o.fields, 'bcc').some((v) => v.trim() !== '')) {
    out.push({ code: 'BCC_PRESENT', reason: 'la posta certificata non ammette destinatari in copia nascosta (Bcc)' });
  }
  const size = o.bytes.length;
  const n = envelope.rcptTo.length;
  if (n > limits.maxRecipients) {
    out.push({ code: 'TOO_MANY_RECIPIENTS', reason: `numero di destinatari (${n}) superiore al limite di ${limits.maxRecipients}` });
  }
  if (size > limits.maxMessageBytes) {
    out.push({ code: 'MESSAGE_TOO_LARGE', reason: `dimensione del messaggio (${size} byte) superiore al limite di ${limits.maxMessageBytes} byte` });
  } else if (size * n > limits.maxTotalBytes) {
    out.push({ code: 'TOTAL_SIZE_EXCEEDED', reason: `dimensione per numero di destinatari (${size * n} byte) superiore al limite di ${limits.maxTotalBytes} byte` });
  }
  return out;
}
