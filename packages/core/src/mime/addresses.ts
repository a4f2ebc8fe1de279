/**
 * Address lists (RFC 5322 §3.4) read with postal-mime's parser, flattened to mailboxes.
 */
import { addressParser } from 'postal-mime';

export interface Mailbox {
  readonly name: string;
  readonly address: string;
}

/** Parses an address-list header value into mailboxes (groups flattened). */
export function parseAddressList(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const out: Mailbox[] = [];
  for (const item of addressParser(value, { flatten: true })) {
    if ('address' in item && item.address) out.push({ name: item.name ?? '', address: item.address });
  }
  return out;
}

/** A syntactically plausible addr-spec: local@domain with a dot-atom-ish domain. */
export function isAddrSpec(address: string): boolean {
  return /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(address);
}

/** The domain part, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
