/**
 * What a command handler sees of its session, and what it answers. One handler per command
 * (commands/*.ts); the session frames, parses, dispatches and writes the tagged response.
 */
import type { Command, CommandName } from '../protocol/types.ts';
import type { ResponseCode, Status, WireValue } from '../protocol/writer.ts';
import type { SelectedFolder } from './selected.ts';
import type { ViewCache } from './view-cache.ts';
import type { ImapAccount, ImapMode } from './types.ts';

/** RFC 3501 §3: the connection states. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** The tagged response of a command (RFC 3501 §7.1). */
export interface Reply {
  status: Exclude<Status, 'PREAUTH' | 'BYE'>;
  text: string;
  code?: ResponseCode;
}

export const ok = (text: string, code?: ResponseCode): Reply => ({ status: 'OK', text, ...(code ? { code } : {}) });
export const no = (text: string, code?: ResponseCode): Reply => ({ status: 'NO', text, ...(code ? { code } : {}) });
export const bad = (text: string, code?: ResponseCode): Reply => ({ status: 'BAD', text, ...(code ? { code } : {}) });

export interface SessionContext {
  readonly mode: ImapMode;
  readonly secure: boolean;
  state: ImapState;
  account: ImapAccount | undefined;
  selected: SelectedFolder | undefined;
  /** Extensions the client turned on with ENABLE (RFC 5161), e.g. CONDSTORE. */
  readonly enabled: Set<string>;
  /** RFC 7162 §3.1: CONDSTORE is on once enabled or after any command that uses it. */
  condstore: boolean;
  /** Parsed headers shared by the listener's sessions (view-cache.ts). */
  readonly headerViews: ViewCache;
  capabilities(): string[];
  /** Writes an untagged response `* values`. */
  untagged(values: WireValue[]): Promise<void>;
  /** Writes raw response chunks with back-pressure. */
  write(chunks: Uint8Array[]): Promise<void>;
  /** Checks credentials with the rate limiter; on success the session is authenticated. */
  login(user: string, password: string): Promise<Reply>;
  /** Upgrades to TLS after the tagged OK has been written. */
  startTls(tag: string): Promise<void>;
  /** Waits for one client line of an AUTHENTICATE exchange (RFC 3501 §6.2.2). */
  readAuthLine(): Promise<string>;
  /** Enters IDLE (RFC 2177) until DONE; resolves when it ends. */
  idle(): Promise<void>;
  /** Ends the session after the tagged response. */
  close(): void;
}

/** A command handler: the states it is valid in and what it does. */
export interface CommandHandler<C extends Command = Command> {
  states: readonly ImapState[];
  run(ctx: SessionContext, cmd: C): Promise<Reply>;
}

export type HandlerMap = { [N in CommandName]?: CommandHandler<Extract<Command, { name: N }>> };
