/**
 * Client lines that are not commands: the end of IDLE (RFC 2177 §3) and the client responses
 * of an AUTHENTICATE exchange (RFC 3501 §6.2.2). The framer delivers them as one-line commands;
 * the server reads them with these functions while in the matching state.
 */
import { ImapParseError } from './errors.ts';
import type { FramedCommand } from './framer-types.ts';

function singleLine(command: FramedCommand): string | undefined {
  const [first, ...rest] = command.parts;
  if (!first || first.kind !== 'line' || rest.length) return undefined;
  return Buffer.from(first.bytes).toString('latin1');
}

/** True when the line is `DONE` (case-insensitive), which ends IDLE (RFC 2177 §3). */
export function isIdleDone(command: FramedCommand): boolean {
  return singleLine(command)?.toUpperCase() === 'DONE';
}

/** A client response during AUTHENTICATE: base64 data, or `*` to cancel (RFC 3501 §6.2.2). */
export type AuthResponse = { cancel: true } | { cancel: false; data: Uint8Array };

/** Reads an AUTHENTICATE client response; an empty line is an empty response (RFC 4959 §3). */
export function parseAuthResponse(command: FramedCommand): AuthResponse {
  const line = singleLine(command);
  if (line === undefined) throw new ImapParseError('Invalid authentication response');
  if (line === '*') return { cancel: true };
  if (!/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(line)) {
    throw new ImapParseError('Invalid base64 in authentication response');
  }
  return { cancel: false, data: Buffer.from(line, 'base64') };
}
