/**
 * Limits, options and events of the command framer (framer.ts).
 */

/** Limits of the framer; every one is a guard against memory exhaustion by a client. */
export interface FramerLimits {
  /**
   * Longest command line, CRLF excluded. RFC 7162 §4 recommends accepting at least 8192
   * octets; 64 KiB leaves room for long UID sets while keeping a line cheap to buffer.
   */
  maxLineLength: number;
  /**
   * Largest literal of an APPEND (the message itself, RFC 3501 §6.3.11). Messages of PEC are
   * limited well below this; 64 MiB bounds one upload.
   */
  maxAppendLiteral: number;
  /**
   * Largest literal of any other command: those carry names, passwords and search strings,
   * for which 64 KiB is ample.
   */
  maxLiteral: number;
  /** Literals in one command other than APPEND: they need very few. */
  maxLiterals: number;
  /** Messages in one APPEND (MULTIAPPEND, RFC 3502); all of them within maxCommandSize. */
  maxAppendLiterals: number;
  /** Lines plus literals of one command, so that many small literals cannot add up. */
  maxCommandSize: number;
  /**
   * Largest non-synchronizing literal that is skipped (read and discarded) when refused;
   * beyond this the connection must be closed (RFC 7888).
   */
  maxDiscard: number;
}

/** Defaults for {@link FramerLimits}. */
export const DEFAULT_FRAMER_LIMITS: Readonly<FramerLimits> = {
  maxLineLength: 64 * 1024,
  maxAppendLiteral: 64 * 1024 * 1024,
  maxLiteral: 64 * 1024,
  maxLiterals: 16,
  maxAppendLiterals: 1000,
  maxCommandSize: 64 * 1024 * 1024 + 256 * 1024,
  maxDiscard: 128 * 1024 * 1024,
};

/** One piece of a framed command: a line (without CRLF) or the octets of a literal. */
export type CommandPart =
  | { kind: 'line'; bytes: Uint8Array }
  | { kind: 'literal'; bytes: Uint8Array; nonSync: boolean };

/** A complete command, ready for the parser. */
export interface FramedCommand {
  parts: CommandPart[];
  /** Total octets of lines and literals. */
  size: number;
}

/** What the framer asks of the server after some input. */
export type FramerEvent =
  /** A complete command. */
  | { type: 'command'; command: FramedCommand }
  /** A synchronizing literal was accepted: send `+ Ready` (RFC 3501 §7.5). */
  | { type: 'continue'; tag: string | undefined; size: number }
  /**
   * The command was dropped. Send `<tag> BAD text` (or `* BAD` without a tag); when `fatal`,
   * also close the connection: the stream can no longer be framed.
   */
  | { type: 'error'; tag: string | undefined; status: 'BAD' | 'NO'; code?: string; text: string; fatal: boolean };

/** A literal announcement, as shown to {@link FramerOptions.checkLiteral}. */
export interface LiteralRequest {
  tag: string | undefined;
  size: number;
  /** `{n+}` (RFC 7888): the octets are already on their way and will be skipped if refused. */
  nonSync: boolean;
  /** The command is APPEND. */
  append: boolean;
}

/** Why a literal is refused: the tagged response to send (RFC 3501 §7.1). */
export interface LiteralRefusal {
  status: 'BAD' | 'NO';
  /** A response code without brackets, e.g. `TOOBIG` or `OVERQUOTA`. */
  code?: string;
  text: string;
}

/** Options of the framer: limits, and a hook for the server's own literal policy. */
export interface FramerOptions extends Partial<FramerLimits> {
  /**
   * Called for each literal within the limits, before any continuation is sent; return a
   * refusal to answer it instead of `+` (e.g. `NO [OVERQUOTA]` for an APPEND over quota).
   */
  checkLiteral?: (request: LiteralRequest) => LiteralRefusal | undefined;
}
