/**
 * Message flags as IMAP defines them (RFC 3501 §2.3.2): system flags with their backslash and
 * keywords, both compared case-insensitively ("\SEEN" is "\Seen"). A message never holds the
 * same flag twice, and the spelling first stored is the one kept. `\Recent` belongs to a session
 * (RFC 3501 §2.3.2: "this session is the first session to have been notified"), so it is never
 * stored and is dropped silently when given.
 *
 * Pure functions: the store calls them on every write so that the JSON text in `flags` and the
 * derived `seen` / `deleted` columns always agree.
 */
import type { FlagOp } from '../ports.ts';
import { StoreError } from '../errors.ts';

const RECENT = '\\recent';
const SEEN = '\\seen';
const DELETED = '\\deleted';

/**
 * Outside RFC 3501's `atom`: non-printable or non-ASCII characters, space, atom-specials. Such a
 * flag could not be written back in a FETCH response without corrupting it.
 */
const BAD_FLAG = /[^\x21-\x7e]|[(){%*"\\\]]/;

function checkFlag(f: unknown): string {
  if (typeof f !== 'string' || f === '' || BAD_FLAG.test(f.startsWith('\\') ? f.slice(1) : f)) {
    throw new StoreError('INVALID_INPUT', `invalid flag ${JSON.stringify(f)}`);
  }
  return f;
}

/** Validated flags without `\Recent` and without case-insensitive duplicates, first spelling kept. */
export function normFlags(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of flags) {
    const key = checkFlag(f).toLowerCase();
    if (key === RECENT || seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/**
 * Applies a STORE operation to a message's current flags. Returns the new flags, or undefined
 * when nothing changes (the message then keeps its modseq). `flags` must already be normalized.
 * Flags the message already has keep their stored spelling and position; new ones are appended.
 */
export function applyFlagOp(current: readonly string[], op: FlagOp, flags: readonly string[]): string[] | undefined {
  const given = new Set(flags.map((f) => f.toLowerCase()));
  const have = new Set(current.map((f) => f.toLowerCase()));
  const kept = op === 'add' ? [...current]
    : op === 'remove' ? current.filter((f) => !given.has(f.toLowerCase()))
    : current.filter((f) => given.has(f.toLowerCase()));
  const added = op === 'remove' ? [] : flags.filter((f) => !have.has(f.toLowerCase()));
  if (kept.length === current.length && added.length === 0) return undefined;
  return [...kept, ...added];
}

/** The stored columns for a flag list: JSON text plus the derived 0/1 columns (see migration 004). */
export function flagColumns(flags: readonly string[]): { flags: string; seen: number; deleted: number } {
  let seen = 0;
  let deleted = 0;
  for (const f of flags) {
    const key = f.toLowerCase();
    if (key === SEEN) seen = 1;
    else if (key === DELETED) deleted = 1;
  }
  return { flags: JSON.stringify(flags), seen, deleted };
}
