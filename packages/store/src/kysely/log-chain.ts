/**
 * The hash chain of the message log. Each entry's hash is SHA-256 over the previous entry's
 * hash and a canonical JSON of the entry (keys sorted at every level, no whitespace), so the
 * same entry always hashes the same whatever the dialect or the key order of `details`.
 */
import { createHash } from 'node:crypto';

/** Canonical JSON: like JSON.stringify (toJSON honoured, undefined dropped) with sorted keys. */
export function canonicalJson(value: unknown): string {
  const v = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON()
    : value;
  if (v === null || typeof v !== 'object') {
    // Top-level undefined, functions and symbols have no JSON form: use null as JSON arrays do.
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x)).join(',')}]`;
  const parts: string[] = [];
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(x)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The columns of a log row that the hash covers (everything but id and the hashes). */
export interface ChainedFields {
  readonly at: number;
  readonly event: string;
  readonly pec_msg_id: string | null;
  readonly message_id: string | null;
  readonly sender: string | null;
  /** JSON text, as stored. */
  readonly recipients: string;
  readonly subject: string | null;
  /** Canonical JSON text, as stored. */
  readonly details: string;
}

/** Hash of an entry given its predecessor's hash (lower-case hex). */
export function chainHash(prevHash: string, f: ChainedFields): string {
  // Built from the stored column values, so that verification recomputes exactly what append
  // hashed; the id is left out because PostgreSQL assigns it only at insert.
  const entry = canonicalJson({
    at: Number(f.at),
    event: f.event,
    pecMsgId: f.pec_msg_id,
    messageId: f.message_id,
    sender: f.sender,
    recipients: JSON.parse(f.recipients) as unknown,
    subject: f.subject,
    details: JSON.parse(f.details) as unknown,
  });
  return createHash('sha256').update(prevHash).update('\n').update(entry).digest('hex');
}
