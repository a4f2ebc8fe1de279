/**
 * The typed syntax tree of client commands (RFC 3501 §6 and §9, and the extensions listed in
 * parser.ts). Mailbox names are decoded from modified UTF-7 (RFC 3501 §5.1.3); "INBOX" in any
 * case is normalized to `INBOX` (RFC 3501 §5.1).
 */

/** A message number or UID; `'*'` is the largest one in use (RFC 3501 §9, seq-number). */
export type SeqNumber = number | '*';

/** One element of a sequence set; a single number has `start === end`. */
export interface SeqRange {
  start: SeqNumber;
  end: SeqNumber;
}

/** RFC 3501 §9 sequence-set, in the order written (ranges are not normalized). */
export type SequenceSet = SeqRange[];

/** RFC 3501 §6.4.5 section-spec: part numbers, then an optional text part. */
export interface Section {
  /** Part path, e.g. `[1, 2]` for `1.2`; empty for the whole message. */
  part: number[];
  text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Field names of HEADER.FIELDS and HEADER.FIELDS.NOT, upper-cased. */
  fields?: string[];
}

/** RFC 3501 §6.4.5 partial `<origin.count>`. */
export interface Partial {
  offset: number;
  length: number;
}

/** One FETCH data item (RFC 3501 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ). */
export type FetchItem =
  | {
    type: 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE'
      | 'RFC822.TEXT' | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ';
  }
  | { type: 'BODY[]'; peek: boolean; section: Section; partial?: Partial }
  | { type: 'BINARY'; peek: boolean; part: number[]; partial?: Partial }
  | { type: 'BINARY.SIZE'; part: number[] };

/** RFC 3501 §6.4.4 search keys, plus MODSEQ (RFC 7162 §3.1.5). Dates are `YYYY-MM-DD`. */
export type SearchKey =
  | {
    key: 'ALL' | 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'NEW' | 'OLD' | 'RECENT' | 'SEEN'
      | 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN';
  }
  | { key: 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO'; value: string }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE'; date: string }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  | { key: 'HEADER'; field: string; value: string }
  | { key: 'UID' | 'SEQ'; set: SequenceSet }
  | { key: 'NOT'; inner: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  | { key: 'AND'; keys: SearchKey[] }
  | { key: 'MODSEQ'; modseq: bigint; entry?: { name: string; type: 'priv' | 'shared' | 'all' } };

/** STATUS data items (RFC 3501 §6.3.10, and HIGHESTMODSEQ of RFC 7162). */
export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ';

interface Base {
  tag: string;
}

/** A parsed client command; `name` is the upper-case command name. */
export type Command = Base & (
  | { name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'IDLE' | 'NAMESPACE' | 'UNSELECT' }
  | { name: 'EXPUNGE'; uid: boolean; set?: SequenceSet }
  | { name: 'LOGIN'; username: string; password: string }
  | { name: 'AUTHENTICATE'; mechanism: string; initialResponse?: string }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean }
  | { name: 'CREATE' | 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT'; mailbox: string }
  | { name: 'RENAME'; mailbox: string; newName: string }
  | { name: 'LIST' | 'LSUB'; reference: string; pattern: string; select?: string[]; ret?: string[] }
  | { name: 'STATUS'; mailbox: string; items: StatusItem[] }
  | { name: 'APPEND'; mailbox: string; messages: AppendMessage[] }
  | { name: 'SEARCH'; uid: boolean; charset?: string; criteria: SearchKey[] }
  | {
    name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[];
    macro?: 'ALL' | 'FAST' | 'FULL'; changedSince?: bigint;
  }
  | {
    name: 'STORE'; uid: boolean; set: SequenceSet; op: 'set' | 'add' | 'remove';
    silent: boolean; flags: string[]; unchangedSince?: bigint;
  }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'ID'; params: Array<[string, string | null]> | null }
  | { name: 'ENABLE'; capabilities: string[] }
  | { name: 'GETQUOTA'; root: string }
  | { name: 'SETQUOTA'; root: string; limits: Array<{ resource: string; limit: bigint }> }
);

/** The command names this parser knows. */
export type CommandName = Command['name'];

/** One message of an APPEND; several in one command are MULTIAPPEND (RFC 3502). */
export interface AppendMessage { flags?: string[]; date?: Date; message: Uint8Array }
