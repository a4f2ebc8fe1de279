/**
 * Identifiers of generated messages. RFC 6109 §2.2.1: `[alphanumeric]@[provider mail domain]`,
 * unique; the format is free (providers use dots). Ours: rcp.<UTC yyyymmddhhmmss>.<random>@domain.
 */
import { randomBytes } from 'node:crypto';

export function newMessageId(domain: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `rcp.${stamp}.${randomBytes(10).toString('hex')}@${domain}`;
}

/** `<id>` form for headers; accepts ids with or without brackets. */
export function bracketed(id: string): string {
  const bare = id.replace(/^<|>$/g, '');
  return `<${bare}>`;
}

export function unbracketed(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}
