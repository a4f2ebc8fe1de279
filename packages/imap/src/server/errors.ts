/**
 * Maps failures of command handlers to tagged responses: expected backend failures become `NO`
 * with their RFC 5530 / RFC 9208 response code and a bilingual text; anything else is a server
 * bug, logged and answered `NO [SERVERBUG]` without details (no stack trace on the wire).
 */
import { ImapParseError } from '../protocol/errors.ts';
import { bad, no, type Reply } from './context.ts';
import { ImapBackendError } from './types.ts';

/** What each backend code means to a user, in English and Italian. */
export const IMAP_ERROR_TEXT: Record<ImapBackendError['code'], string> = {
  NONEXISTENT: 'No such folder / cartella inesistente',
  ALREADYEXISTS: 'Folder already exists / la cartella esiste già',
  OVERQUOTA: 'Mailbox quota exceeded / spazio della casella esaurito',
  'READ-ONLY': 'Mailbox is read-only / casella in sola lettura',
  CANNOT: 'Operation not permitted on this folder / operazione non consentita su questa cartella',
  LIMIT: 'Limit exceeded / limite superato',
  TOOBIG: 'Message too large / messaggio troppo grande',
  UNAVAILABLE: 'Temporary failure, retry later / errore temporaneo, riprovare',
};

export function replyForError(e: unknown, log: (e: unknown) => void): Reply {
  if (e instanceof ImapBackendError) {
    const code = e.code === 'READ-ONLY' ? 'READ-ONLY' : e.code;
    return no(`${IMAP_ERROR_TEXT[e.code]}: ${e.message}`, { name: code });
  }
  if (e instanceof ImapParseError) return bad(e.message);
  log(e);
  return no('Internal server error, the operation was not completed / errore interno, operazione non eseguita', { name: 'SERVERBUG' });
}

/** The response codes this server sends (RFC 3501 §7.1, RFC 5530, RFC 9208, RFC 7162), for docs/errors.md. */
export const IMAP_RESPONSE_CODES = {
  AUTHENTICATIONFAILED: 'Wrong address or password (the same answer for an unknown address). Check the credentials.',
  AUTHORIZATIONFAILED: 'AUTHENTICATE PLAIN asked to act as another user; not allowed.',
  PRIVACYREQUIRED: 'LOGIN or AUTHENTICATE before TLS on the plain port: use port 993 or STARTTLS first.',
  UNAVAILABLE: 'Too many failed logins for this account or address (retry later), or a temporary store failure.',
  NONEXISTENT: 'The folder (or quota root) does not exist.',
  ALREADYEXISTS: 'CREATE or RENAME to a folder name already in use.',
  TRYCREATE: 'APPEND, COPY or MOVE to a folder that does not exist: create it first.',
  OVERQUOTA: 'The message does not fit in the mailbox quota.',
  'READ-ONLY': 'The mailbox is read-only (e.g. a migration\'s temporary endpoint) or the folder was EXAMINEd: writes are refused, reading works.',
  CANNOT: 'Not permitted on this folder: deleting INBOX or a special-use folder, renaming a folder into itself, an invalid name, an empty message.',
  TOOBIG: 'APPEND larger than the server\'s message size limit; refused before the bytes are sent.',
  BADCHARSET: 'SEARCH CHARSET other than UTF-8 or US-ASCII.',
  NOPERM: 'SETQUOTA: quotas are set by the administrator.',
  'UNKNOWN-CTE': 'BINARY fetch of a part with an unknown Content-Transfer-Encoding.',
  MODIFIED: 'STORE UNCHANGEDSINCE: these messages changed meanwhile and were left alone.',
  CLOSED: 'The previously selected folder was closed by a new SELECT or EXAMINE.',
  SERVERBUG: 'An internal error; nothing was done. The server log has the details.',
} as const;
