/**
 * Parses one framed command into a {@link Command} (RFC 3501 §6 and §9). Supported beyond
 * IMAP4rev1: IDLE (RFC 2177), UIDPLUS `UID EXPUNGE` (RFC 4315), MOVE (RFC 6851), NAMESPACE
 * (RFC 2342), ID (RFC 2971), ENABLE (RFC 5161), UNSELECT (RFC 3691), QUOTA (RFC 9208),
 * CONDSTORE (RFC 7162), SASL-IR (RFC 4959), BINARY fetch items (RFC 3516) and LITERAL+
 * (RFC 7888, handled by the framer).
 */
import { ImapParseError, Mutf7Error } from './errors.ts';
import { readDateTime } from './dates.ts';
import { readFetchItems, readFetchModifiers } from './fetch.ts';
import type { CommandPart, FramedCommand } from './framer.ts';
import { decodeMutf7 } from './mutf7.ts';
import { Reader } from './reader.ts';
import { DEFAULT_MAX_SEARCH_DEPTH, readSearch } from './search.ts';
import type { AppendMessage, Command, SequenceSet, StatusItem } from './types.ts';

/** Parser options. */
export interface ParseOptions {
  /** Bound on nested lists, NOT and OR in SEARCH (default {@link DEFAULT_MAX_SEARCH_DEPTH}). */
  maxSearchDepth?: number;
}

const NO_ARGS = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'IDLE', 'NAMESPACE', 'UNSELECT']);
const ONE_MAILBOX = new Set(['CREATE', 'DELETE', 'SUBSCRIBE', 'UNSUBSCRIBE', 'GETQUOTAROOT']);
const STATUS_ITEMS = new Set<StatusItem>(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ']);
/** RFC 3501 §2.3.2 system flags, in their canonical spelling. */
const SYSTEM_FLAGS = new Map(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((f) => [f.toUpperCase(), f]));
/** RFC 2971 §3.3: at most 30 field-value pairs. */
const MAX_ID_PAIRS = 30;
/** Bound on flags in one list and on ENABLE or SETQUOTA items. */
const MAX_ITEMS = 128;

/** A parenthesized list of option atoms, upper-cased, e.g. `(SPECIAL-USE SUBSCRIBED)`. */
function readOptionList(r: Reader): string[] {
  r.expect('(');
  const out: string[] = [];
  while (r.peek() !== ')') {
    if (out.length) r.sp();
    out.push(r.atom('list option').toUpperCase());
    if (out.length > MAX_ITEMS) throw r.error('Too many list options');
  }
  r.expect(')');
  return out;
}

/** RFC 3501 §9 mailbox = "INBOX" / astring, decoded from modified UTF-7 (§5.1.3). */
function readMailbox(r: Reader, what = 'mailbox name'): string {
  const raw = r.astring(what);
  if (raw.toUpperCase() === 'INBOX') return 'INBOX';
  return decodeName(r, raw);
}

function decodeName(r: Reader, raw: string): string {
  try {
    return decodeMutf7(raw);
  } catch (e) {
    if (e instanceof Mutf7Error) throw r.error(`Invalid mailbox name: ${e.message}`);
    throw e;
  }
}

/** RFC 3501 §9 list-mailbox = 1*list-char / string; list-char adds "%", "*" and "]". */
function readListPattern(r: Reader): string {
  const c = r.peek();
  if (c === '"' || c === '{') return decodeName(r, r.string()); // may be empty: LIST "" ""
  // eslint-disable-next-line no-control-regex
  const raw = r.run(/[^\x00-\x20\x7f-\xff(){"\\]/);
  if (!raw) throw r.error('Expected a mailbox pattern');
  return decodeName(r, raw);
}

/** RFC 3501 §9 flag: a system flag, "\" atom (flag-extension) or a keyword atom. */
function readFlag(r: Reader): string {
  const backslash = r.maybe('\\');
  const atom = r.atom('flag');
  if (!backslash) return atom;
  const flag = `\\${atom}`;
  return SYSTEM_FLAGS.get(flag.toUpperCase()) ?? flag;
}

/** RFC 3501 §9 flag-list = "(" [flag *(SP flag)] ")". */
function readFlagList(r: Reader): string[] {
  r.expect('(');
  const flags: string[] = [];
  if (r.maybe(')')) return flags;
  flags.push(readFlag(r));
  while (r.peek() === ' ') {
    r.sp();
    flags.push(readFlag(r));
    if (flags.length > MAX_ITEMS) throw r.error('Too many flags');
  }
  r.expect(')');
  return flags;
}

/** STORE after the sequence set (RFC 3501 §9 store-att-flags, RFC 7162 store-modifiers). */
function readStore(r: Reader, uid: boolean, set: SequenceSet, tag: string): Command {
  r.sp();
  let unchangedSince: bigint | undefined;
  if (r.maybe('(')) {
    r.expect('UNCHANGEDSINCE ');
    unchangedSince = r.modseq(true);
    r.expect(')');
    r.sp();
  }
  const sign = r.peek();
  const op = sign === '+' ? 'add' : sign === '-' ? 'remove' : 'set';
  if (op !== 'set') r.pos++;
  r.expect('FLAGS');
  const silent = r.maybe('.SILENT');
  r.sp();
  let flags: string[];
  if (r.peek() === '(') {
    flags = readFlagList(r);
  } else {
    flags = [readFlag(r)];
    while (r.peek() === ' ') {
      r.sp();
      flags.push(readFlag(r));
      if (flags.length > MAX_ITEMS) throw r.error('Too many flags');
    }
  }
  const cmd: Command = { tag, name: 'STORE', uid, set, op, silent, flags };
  if (unchangedSince !== undefined) cmd.unchangedSince = unchangedSince;
  return cmd;
}

/** The commands that take a sequence set, with or without the UID prefix. */
function readSetCommand(r: Reader, name: string, uid: boolean, tag: string, opts: Required<ParseOptions>): Command {
  if (name === 'SEARCH') return { tag, name, uid, ...readSearch(r, opts.maxSearchDepth) };
  const set = r.sequenceSet();
  if (name === 'FETCH') {
    r.sp();
    return { tag, name, uid, set, ...readFetchItems(r), ...readFetchModifiers(r) };
  }
  if (name === 'STORE') return readStore(r, uid, set, tag);
  if (name === 'EXPUNGE') return { tag, name, uid: true, set };
  r.sp();
  return { tag, name: name as 'COPY' | 'MOVE', uid, set, mailbox: readMailbox(r) };
}

function readId(r: Reader): Array<[string, string | null]> | null {
  if (r.maybe('NIL')) return null;
  r.expect('(');
  const params: Array<[string, string | null]> = [];
  if (r.maybe(')')) return params; // RFC 2971 §4: "#" allows an empty list
  for (;;) {
    const key = r.string();
    r.sp();
    params.push([key, r.nstring()]);
    if (params.length > MAX_ID_PAIRS) throw r.error('Too many ID parameters');
    if (r.maybe(')')) return params;
    r.sp();
  }
}

function readBody(r: Reader, name: string, tag: string, opts: Required<ParseOptions>): Command {
  if (name === 'UID') {
    const sub = r.run(/[A-Za-z]/).toUpperCase();
    if (!['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE'].includes(sub)) throw r.error('Invalid UID command');
    r.sp();
    return readSetCommand(r, sub, true, tag, opts);
  }
  if (['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE'].includes(name)) return readSetCommand(r, name, false, tag, opts);
  if (ONE_MAILBOX.has(name)) return { tag, name: name as 'CREATE', mailbox: readMailbox(r) };
  switch (name) {
    case 'LOGIN': {
      const username = r.astring('user name');
      r.sp();
      return { tag, name, username, password: r.astring('password') };
    }
    case 'AUTHENTICATE': {
      const mechanism = r.atom('mechanism').toUpperCase();
      if (r.peek() !== ' ') return { tag, name, mechanism };
      r.sp();
      // RFC 4959 §7: initial response = base64 / "="
      const initialResponse = r.run(/[A-Za-z0-9+/=]/);
      if (!/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^=$/.test(initialResponse) || !initialResponse) {
        throw r.error('Invalid initial response');
      }
      return { tag, name, mechanism, initialResponse };
    }
    case 'SELECT':
    case 'EXAMINE': {
      const mailbox = readMailbox(r);
      let condstore = false;
      if (r.peek() === ' ') {
        r.sp();
        r.expect('(CONDSTORE)');
        condstore = true;
      }
      return { tag, name, mailbox, condstore };
    }
    case 'RENAME': {
      const mailbox = readMailbox(r);
      r.sp();
      return { tag, name, mailbox, newName: readMailbox(r, 'new mailbox name') };
    }
    case 'LIST':
    case 'LSUB': {
      // RFC 5258 §3 / RFC 6154 §5.1: LIST may carry selection options before the reference
      // and RETURN options after the pattern. Only SPECIAL-USE, SUBSCRIBED and CHILDREN are
      // understood; special-use attributes and children are always returned anyway.
      let select: string[] = [];
      if (name === 'LIST' && r.peek() === '(') {
        select = readOptionList(r);
        r.sp();
      }
      const raw = r.astring('reference');
      r.sp();
      const pattern = readListPattern(r);
      let ret: string[] = [];
      if (name === 'LIST' && r.maybe(' ')) {
        if (r.run(/[A-Za-z]/).toUpperCase() !== 'RETURN') throw r.error('Expected RETURN');
        r.sp();
        ret = readOptionList(r);
      }
      return { tag, name, reference: decodeName(r, raw), pattern, ...(select.length ? { select } : {}), ...(ret.length ? { ret } : {}) };
    }
    case 'STATUS': {
      const mailbox = readMailbox(r);
      r.sp();
      r.expect('(');
      const items: StatusItem[] = [];
      do {
        if (items.length) r.sp();
        const item = r.run(/[A-Za-z]/).toUpperCase() as StatusItem;
        if (!STATUS_ITEMS.has(item)) throw r.error('Invalid status item');
        items.push(item);
        if (items.length > MAX_ITEMS) throw r.error('Too many status items');
      } while (r.peek() === ' ');
      r.expect(')');
      return { tag, name, mailbox, items };
    }
    case 'APPEND': {
      const mailbox = readMailbox(r);
      // RFC 3502: 1*(SP [flag-list SP] [date-time SP] literal), all stored or none.
      const messages: AppendMessage[] = [];
      do {
        r.sp();
        const m: AppendMessage = { message: new Uint8Array(0) };
        if (r.peek() === '(') {
          m.flags = readFlagList(r);
          r.sp();
        }
        if (r.peek() === '"') {
          m.date = readDateTime(r);
          r.sp();
        }
        if (r.peek() !== '{') throw r.error('APPEND needs the message as a literal');
        m.message = r.literal();
        messages.push(m);
      } while (r.peek() === ' ');
      return { tag, name, mailbox, messages };
    }
    case 'EXPUNGE':
      return { tag, name, uid: false };
    case 'ID':
      return { tag, name, params: readId(r) };
    case 'ENABLE': {
      const capabilities = [r.atom('capability').toUpperCase()];
      while (r.peek() === ' ') {
        r.sp();
        capabilities.push(r.atom('capability').toUpperCase());
        if (capabilities.length > MAX_ITEMS) throw r.error('Too many capabilities');
      }
      return { tag, name, capabilities };
    }
    case 'GETQUOTA':
      return { tag, name, root: r.astring('quota root') };
    case 'SETQUOTA': {
      const root = r.astring('quota root');
      r.sp();
      r.expect('(');
      const limits: Array<{ resource: string; limit: bigint }> = [];
      while (!r.maybe(')')) {
        if (limits.length) r.sp();
        const resource = r.atom('resource name').toUpperCase();
        r.sp();
        limits.push({ resource, limit: r.modseq(true) });
        if (limits.length > MAX_ITEMS) throw r.error('Too many quota resources');
      }
      return { tag, name, root, limits };
    }
    default:
      throw r.error(`Unknown command ${name.slice(0, 32)}`);
  }
}

/**
 * Parses one framed command. Throws {@link ImapParseError} (with the tag when it could be read)
 * for anything outside the grammar; never any other error for any input.
 */
export function parseCommand(command: FramedCommand | CommandPart[], options: ParseOptions = {}): Command {
  const opts: Required<ParseOptions> = { maxSearchDepth: options.maxSearchDepth ?? DEFAULT_MAX_SEARCH_DEPTH };
  const r = new Reader(Array.isArray(command) ? command : command.parts);
  try {
    const tag = r.readTag();
    r.sp();
    const name = r.run(/[A-Za-z]/).toUpperCase();
    if (!name) throw r.error('Missing command name');
    let cmd: Command;
    if (NO_ARGS.has(name)) {
      cmd = { tag, name: name as 'NOOP' };
    } else {
      if (name !== 'EXPUNGE') r.sp();
      cmd = readBody(r, name, tag, opts);
    }
    r.end();
    return cmd;
  } catch (e) {
    if (e instanceof ImapParseError) throw e;
    // Defensive: nothing else should escape, but a bug must still yield a BAD, not a crash.
    throw new ImapParseError('Invalid command', r.tag);
  }
}
