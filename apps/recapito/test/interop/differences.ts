/**
 * Where Recapito's observable behaviour may differ from Dovecot's in the scripted sessions,
 * each with a one-line reason. Kept in one place: the compare tests leave out exactly these
 * (a whole step, or one field of it: status, code, untagged, expunge) and report the entries
 * that no longer differ, so the list stays true.
 *
 * Step names are those of clients/imap_session.py and clients/pop3_session.py; a step that
 * occurs more than once is named `step#2`, `step#3`...
 */
export interface Difference {
  readonly step: string;
  /** Only this field of the step; the whole step when absent. */
  readonly field?: 'status' | 'code' | 'untagged' | 'expunge' | (string & {});
  readonly reason: string;
}

const RECENT = '\\Recent is not implemented (RFC 9051 dropped it; docs/decisions/0008)';
const PARENTS = 'CREATE makes missing parent folders real, selectable folders; Dovecot\'s are \\Noselect placeholders';
const CODES = 'Recapito adds the RFC 5530 code (NONEXISTENT, CANNOT) where Dovecot sends none';

export const IMAP_DIFFERENCES: readonly Difference[] = [
  { step: 'list-return-special-use', field: 'untagged', reason: 'LIST-EXTENDED is not offered: CHILDREN attributes come with every LIST, RETURN options or not' },
  { step: 'list-after-create', field: 'untagged', reason: PARENTS },
  { step: 'list-child-percent', field: 'untagged', reason: PARENTS },
  { step: 'list-after-rename', field: 'untagged', reason: PARENTS },
  { step: 'list-after-delete', field: 'untagged', reason: PARENTS },
  { step: 'list-final', field: 'untagged', reason: PARENTS },
  { step: 'delete-with-children', field: 'status', reason: `${PARENTS}: deleting one is OK` },
  { step: 'delete-with-children', field: 'code', reason: `${PARENTS}: deleting one is OK` },
  { step: 'delete-inbox', field: 'code', reason: CODES },
  { step: 'status-nonexistent', field: 'code', reason: CODES },
  { step: 'select-nonexistent', field: 'code', reason: CODES },
  { step: 'examine-store', field: 'status', reason: 'STORE in a read-only folder is refused (NO [READ-ONLY]), not silently ignored: the issue asks for refusals' },
  { step: 'examine-store', field: 'code', reason: 'as examine-store.status' },
  { step: 'fetch-binary', reason: 'BINARY (RFC 3516) is not offered: its APPEND of binary literals is not implemented' },
  { step: 'search-new', field: 'untagged', reason: RECENT },
  { step: 'search-recent', field: 'untagged', reason: RECENT },
  { step: 'search-charset-unknown', field: 'code', reason: 'BADCHARSET lists the supported charsets (RFC 3501 §7.1 allows it)' },
  { step: 'bad-select-arguments', field: 'untagged', reason: 'Dovecot closes the selected folder ([CLOSED]) even when the new SELECT is malformed; Recapito keeps it' },
  { step: 'plain-login-refused', field: 'untagged', reason: 'Dovecot adds an untagged BAD [ALERT] to the NO [PRIVACYREQUIRED]' },
];

export const POP3_DIFFERENCES: readonly Difference[] = [
  { step: 'plain-capa', field: 'data', reason: 'before STLS Recapito omits SASL (no mechanism is usable); Dovecot lists SASL with none' },
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isRecentLine = (v: Json): boolean => Array.isArray(v) && v.length === 2 && v[0] === 'RECENT';
const isFlagsLine = (v: Json): boolean => Array.isArray(v) && (v[0] === 'FLAGS' || (v[0] === 'OK' && Array.isArray(v[1]) && v[1][0] === 'PERMANENTFLAGS'));
const systemFlags = (flags: Json[]): Json[] => flags.filter((f) => typeof f === 'string' && f.startsWith('\\') && f !== '\\Recent');

function walk(value: Json, inStructure: boolean): Json {
  if (typeof value === 'string') return inStructure ? value.toLowerCase() : value;
  if (Array.isArray(value)) {
    if ((value[0] === 'FLAGS' || value[0] === 'PERMANENTFLAGS') && Array.isArray(value[1])) return [value[0], systemFlags(value[1])];
    return value.filter((v) => !isRecentLine(v)).map((v) => walk(v, inStructure));
  }
  if (value && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'RECENT') continue;
      out[k] = k === 'FLAGS' && Array.isArray(v) ? v.filter((f) => f !== '\\Recent') : walk(v, inStructure || k === 'BODYSTRUCTURE' || k === 'BODY');
    }
    return out;
  }
  return value;
}

/**
 * Differences that run through a whole transcript, applied to one step of both sides before
 * comparing:
 * - \\Recent (RECENT lines, \\Recent flags, RECENT status items): not implemented.
 * - Keywords in FLAGS and PERMANENTFLAGS: Dovecot lists every keyword ever used in the mailbox
 *   and announces new ones unsolicited (FLAGS lines outside SELECT/EXAMINE); Recapito lists the
 *   keywords in use at SELECT. System flags are still compared; message flags fully.
 * - Case inside BODYSTRUCTURE: defaults are upper case as in RFC 3501's examples, Dovecot's
 *   lower case; case carries no meaning there (RFC 2045 §5.1).
 */
export function normalizeImap(step: { step: string; [k: string]: Json }): { step: string; [k: string]: Json } {
  const out = walk(step, false) as { step: string; [k: string]: Json };
  if (!/select|examine/.test(step.step) && Array.isArray(out['untagged'])) out['untagged'] = out['untagged'].filter((v) => !isFlagsLine(v));
  return out;
}
