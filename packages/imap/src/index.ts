/**
 * The IMAP4rev1 wire protocol (RFC 3501, with the extensions listed in protocol/parser.ts):
 * framing of the client stream, the command parser, modified UTF-7 mailbox names and the
 * response writer. No server and no store: those build on this package.
 */
export { ImapParseError, Mutf7Error } from './protocol/errors.ts';
export {
  DEFAULT_FRAMER_LIMITS, ImapFramer,
  type CommandPart, type FramedCommand, type FramerEvent, type FramerLimits, type FramerOptions,
  type LiteralRefusal, type LiteralRequest,
} from './protocol/framer.ts';
export { isIdleDone, parseAuthResponse, type AuthResponse } from './protocol/lines.ts';
export { decodeMutf7, encodeMutf7 } from './protocol/mutf7.ts';
export { parseCommand, type ParseOptions } from './protocol/parser.ts';
export { parseSequenceSet } from './protocol/reader.ts';
export { DEFAULT_MAX_SEARCH_DEPTH } from './protocol/search.ts';
export { FETCH_MACROS } from './protocol/fetch.ts';
export type {
  Command, CommandName, FetchItem, Partial, SearchKey, Section, SeqNumber, SeqRange, SequenceSet, StatusItem,
} from './protocol/types.ts';
export {
  canQuote, codes, continuation, formatDateTime, formatSequenceSet, quote, serialize, statusResponse, untagged,
  type ResponseCode, type Status, type WireAtom, type WireValue, type WriterOptions,
} from './protocol/writer.ts';
export { createImapListener } from './server/listener.ts';
export {
  ImapBackendError,
  type FlagOperation, type ImapAccount, type ImapAuthResult, type ImapBackend, type ImapBackendErrorCode, type ImapChanges,
  type ImapConnectionInfo, type ImapFolder, type ImapListener, type ImapListenerOptions, type ImapLogger, type ImapMessage, type ImapMode,
} from './server/types.ts';
// The message model: ENVELOPE, BODYSTRUCTURE, sections, BINARY and SEARCH over stored bytes.
export {
  DEFAULT_MESSAGE_LIMITS, KNOWN_ENCODINGS, MessageView, calendarDay, decodeTransfer, decodedSize, matchSearch,
  parseHeaderDate, searchNeedsContent,
  type HeaderDate, type MessageLimits, type MessageViewOptions, type SearchSubject,
} from './message/index.ts';
export { IMAP_RESPONSE_CODES } from './server/errors.ts';
