/**
 * @recapito/pop3: the POP3 protocol of a PEC provider (RFC 1939 with CAPA, STLS, SASL PLAIN,
 * UIDL and TOP). A backend supplied by the provider checks credentials and opens maildrops;
 * this package knows no store.
 */
export { createPop3Listener } from './server.ts';
export { POP3_ERRORS, errLine } from './errors.ts';
export type { Pop3ErrorCode } from './errors.ts';
export { dotStuffed, topEnd } from './dot-stuff.ts';
export { LineReader } from './line-reader.ts';
export type {
  Pop3AuthResult, Pop3Backend, Pop3ConnectionInfo, Pop3Listener, Pop3ListenerOptions, Pop3Logger, Pop3Maildrop,
  Pop3Message, Pop3Mode,
} from './types.ts';
