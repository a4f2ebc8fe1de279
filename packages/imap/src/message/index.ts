/**
 * The message model of the IMAP server: pure functions over the stored bytes of one message
 * (ENVELOPE, BODYSTRUCTURE, BODY[section], BINARY, SEARCH matching). No store, no I/O.
 */
export { MessageView, type MessageViewOptions } from './view.ts';
export { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './limits.ts';
export { matchSearch, searchNeedsBody, searchNeedsContent, type SearchSubject } from './search-match.ts';
export { calendarDay, parseHeaderDate, type HeaderDate } from './dates.ts';
export { KNOWN_ENCODINGS, decodeTransfer, decodedSize } from './binary.ts';
