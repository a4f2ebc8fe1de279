/**
 * Delivery point checks (RFC 6109 §3.3): whether a mailbox can take a message now, and the
 * reason when it cannot, in the vocabulary of the non-delivery notice.
 */
import type { NonDeliveryReason } from '@recapito/core';
import type { Mailbox } from '@recapito/store';

export type DeliveryDecision = { ok: true; mailbox: Mailbox } | { ok: false; reason: NonDeliveryReason; detail: string };

export function decideDelivery(mailbox: Mailbox | undefined, size: number): DeliveryDecision {
  if (!mailbox) return { ok: false, reason: 'no-such-user', detail: 'casella inesistente' };
  if (mailbox.ceasedAt) return { ok: false, reason: 'mailbox-disabled', detail: 'casella cessata' };
  if (mailbox.readOnly) return { ok: false, reason: 'mailbox-read-only', detail: 'casella in sola lettura' };
  if (mailbox.usedBytes + size > mailbox.quotaBytes) return { ok: false, reason: 'mailbox-full', detail: `spazio disponibile insufficiente per ${size} byte` };
  return { ok: true, mailbox };
}
