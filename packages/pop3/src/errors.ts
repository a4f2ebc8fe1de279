/**
 * Refusals the listener sends, with stable codes. Texts are bilingual (Italian / English);
 * response codes in brackets follow RFC 2449 §8 and RFC 3206.
 */

/** Codes of the POP3 listener, each with the `-ERR` text sent to the client. */
export const POP3_ERRORS = {
  POP3_AUTH_FAILED: '[AUTH] credenziali non valide / invalid credentials',
  POP3_AUTH_BLOCKED: '[AUTH] troppi tentativi falliti, riprovare più tardi / too many failed attempts, try again later',
  POP3_AUTH_NEEDS_TLS: '[AUTH] usare STLS prima di autenticarsi / use STLS before authenticating',
  POP3_IN_USE: '[IN-USE] casella già in uso / maildrop already in use',
  POP3_SYS_TEMP: '[SYS/TEMP] errore temporaneo del server, riprovare / temporary server error, try again',
  POP3_READ_ONLY: '[SYS/PERM] casella in sola lettura / maildrop is read-only',
  POP3_TOO_MANY_CLIENTS: '[SYS/TEMP] troppe connessioni / too many connections',
  POP3_LINE_TOO_LONG: 'riga troppo lunga / line too long',
  POP3_UNKNOWN_COMMAND: 'comando sconosciuto / unknown command',
  POP3_WRONG_STATE: 'comando non valido in questo stato / command not valid in this state',
  POP3_SYNTAX: 'errore di sintassi / syntax error',
  POP3_NO_SUCH_MESSAGE: 'messaggio inesistente / no such message',
  POP3_DELETED: 'messaggio già cancellato / message already deleted',
  POP3_NO_USER: 'inviare prima USER / send USER first',
  POP3_AUTH_CANCELLED: 'autenticazione annullata / authentication cancelled',
  POP3_MECHANISM: 'meccanismo non supportato / unsupported mechanism',
  POP3_TLS_ACTIVE: 'TLS già attivo / TLS already active',
  POP3_TOO_MANY_ERRORS: 'troppi errori, chiusura / too many errors, closing',
  POP3_TIMEOUT: 'tempo scaduto / idle timeout',
  POP3_SHUTDOWN: '[SYS/TEMP] server in chiusura / server shutting down',
  POP3_UPDATE_FAILED: '[SYS/TEMP] cancellazioni non applicate / deletions not applied',
} as const;

/** A key of {@link POP3_ERRORS}. */
export type Pop3ErrorCode = keyof typeof POP3_ERRORS;

/** The full `-ERR` line (without CRLF) for a code, optionally with a detail appended. */
export function errLine(code: Pop3ErrorCode, detail?: string): string {
  return detail ? `-ERR ${POP3_ERRORS[code]}: ${detail}` : `-ERR ${POP3_ERRORS[code]}`;
}
