/**
 * The ENVELOPE of a message (RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc,
 * bcc, in-reply-to, message-id. Values are the header's own text, unfolded (RFC 5322 §2.2.3)
 * and not RFC 2047 decoded: clients decode encoded words themselves.
 */
import { headerValue, type HeaderField } from '@recapito/core';
import type { WireValue } from '../protocol/writer.ts';
import { envelopeAddresses } from './addresses.ts';
import { adjacent } from './wire.ts';

/** A string member: NIL when the field is absent, the empty string when present but empty. */
function text(fields: readonly HeaderField[], name: string): string | null {
  return headerValue(fields, name) ?? null;
}

/** An address member: NIL when the field is absent, empty or holds no address; else
 * `"(" 1*address ")"` with the addresses side by side (RFC 3501 §9 env-from). */
function addresses(fields: readonly HeaderField[], name: string): WireValue[] | null {
  const value = headerValue(fields, name);
  if (value === undefined) return null;
  const list = envelopeAddresses(value);
  return list.length ? [adjacent(list)] : null;
}

/** The envelope structure of the message whose header fields are given. */
export function envelope(fields: readonly HeaderField[]): WireValue {
  const from = addresses(fields, 'from');
  return [
    text(fields, 'date'),
    text(fields, 'subject'),
    from,
    // RFC 3501 §7.4.2: absent or empty Sender and Reply-To take the value of From.
    addresses(fields, 'sender') ?? from,
    addresses(fields, 'reply-to') ?? from,
    addresses(fields, 'to'),
    addresses(fields, 'cc'),
    addresses(fields, 'bcc'),
    text(fields, 'in-reply-to'),
    text(fields, 'message-id'),
  ];
}
