/**
 * What a command handler sees of its session. Handlers live one per file next to this one;
 * the session (session.ts) implements this interface and dispatches by keyword.
 */
import type { Pop3ErrorCode } from '../errors.ts';
import type { MaildropView } from '../maildrop-view.ts';
import type { Pop3Mode } from '../types.ts';

/** RFC 1939 §3 session states. */
export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

/** The session as seen by a command. */
export interface CommandContext {
  readonly state: Pop3State;
  readonly mode: Pop3Mode;
  /** True under TLS (implicit or after STLS). */
  readonly secure: boolean;
  /** True when credentials may be sent: under TLS (RFC 2595 §2.1 / RFC 8314). */
  readonly authAllowed: boolean;
  /** Name given by USER, waiting for PASS (RFC 1939 §7). */
  pendingUser: string | undefined;
  /** The maildrop in the TRANSACTION state. */
  readonly drop: MaildropView | undefined;
  /** Sends `+OK text`. */
  ok(text: string): Promise<void>;
  /** Sends `-ERR` with the text of a code. */
  err(code: Pop3ErrorCode, detail?: string): Promise<void>;
  /** Sends a raw line (CRLF added). */
  line(text: string): Promise<void>;
  /** Sends `+OK first` then a multi-line body of short protocol lines, dot-stuffed. */
  multi(first: string, lines: readonly string[]): Promise<void>;
  /** Sends `+OK first` then `bytes[0, end)` dot-stuffed and terminated. */
  sendMessage(first: string, bytes: Uint8Array, end: number): Promise<void>;
  /** The next client line goes to `handler` instead of the command table (SASL, RFC 5034 §4). */
  expectContinuation(handler: (line: string) => Promise<void>): void;
  /** Checks the limiter, asks the backend, opens the maildrop and enters TRANSACTION. */
  login(user: string, password: string): Promise<void>;
  /** Replies `+OK` and starts TLS on the connection (RFC 2595 §4). */
  startTls(): Promise<void>;
  /** QUIT: UPDATE state when in TRANSACTION, then closes (RFC 1939 §6). */
  quit(): Promise<void>;
}

/** One POP3 command. */
export interface Command {
  /** States in which the command is valid. */
  readonly states: readonly Pop3State[];
  run(ctx: CommandContext, arg: string): Promise<void>;
}
