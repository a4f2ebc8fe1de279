/**
 * The CAPABILITY list (RFC 3501 §6.1.1), which depends on the connection state: before TLS on
 * the plain port only STARTTLS and LOGINDISABLED (RFC 3501 §6.2.3, RFC 8314 §3.2), no AUTH=.
 */
import type { SessionContext } from './context.ts';

/** Extensions offered once authenticated (or on a TLS connection before login). */
const EXTENSIONS = [
  'IDLE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'NAMESPACE', 'ID', 'ENABLE', 'UNSELECT', 'LITERAL+',
  'QUOTA', 'QUOTA=RES-STORAGE', 'CONDSTORE', 'CHILDREN', 'SASL-IR', 'MULTIAPPEND',
];

/** Before login only what matters to log in (RFC 3501 §6.1.1 allows the list to change). */
const PRE_LOGIN = ['SASL-IR', 'ID', 'ENABLE', 'IDLE', 'LITERAL+'];

export function capabilities(ctx: Pick<SessionContext, 'secure' | 'state'>): string[] {
  const caps = ['IMAP4rev1'];
  if (ctx.state === 'not-authenticated') {
    caps.push(...PRE_LOGIN);
    caps.push(...(ctx.secure ? ['AUTH=PLAIN'] : ['STARTTLS', 'LOGINDISABLED']));
    return caps;
  }
  caps.push(...EXTENSIONS);
  return caps;
}
