/**
 * Where to deliver mail for a domain (RFC 5321 §5.1): a configured override first; otherwise
 * the MX records in order of preference (equal preferences in random order), port 25; with no
 * MX record, the domain itself if it has an A or AAAA record (the implicit MX).
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { SmtpSendError } from './errors.ts';

/** One host to try, in order. */
export interface SmtpRoute {
  host: string;
  port: number;
}

/** The DNS queries route lookup needs; `node:dns/promises` `Resolver` satisfies it. */
export interface MxResolver {
  resolveMx(domain: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(domain: string): Promise<string[]>;
  resolve6(domain: string): Promise<string[]>;
}

/** Injected dependencies (tests). */
export interface RouteDeps {
  resolver?: MxResolver;
  /** Random source for ordering MX hosts of equal preference; default Math.random. */
  random?: () => number;
}

const SMTP_PORT = 25;
/** DNS answers meaning "no such record" rather than "could not ask". */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/**
 * Resolves the hosts to try for `domain`, best first. `override` is `host`, `host:port` or
 * `[ipv6]:port`. Throws {@link SmtpSendError} `SMTP_NO_ROUTE` (permanent) when the domain takes
 * no mail, `SMTP_DNS` (transient) when DNS fails.
 */
export async function resolveRoute(domain: string, override?: string, deps: RouteDeps = {}): Promise<SmtpRoute[]> {
  if (override !== undefined && override.trim() !== '') return [parseHostPort(override.trim())];
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const literal = /^\[(?:ipv6:)?([^\]]+)\]$/i.exec(name);
  if (literal && isIP(literal[1] as string)) return [{ host: literal[1] as string, port: SMTP_PORT }];
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name) || name.length > 253) {
    throw new SmtpSendError('SMTP_NO_ROUTE', `not a valid mail domain: ${JSON.stringify(domain)}`, { transient: false });
  }
  const resolver = deps.resolver ?? new Resolver({ timeout: 5000, tries: 2 });
  const mx = await lookup(() => resolver.resolveMx(name), name, 'MX');
  if (mx.length > 0) {
    // RFC 7505: a single MX of "." (an empty exchange) says the domain accepts no mail.
    if (mx.length === 1 && mx[0]?.exchange.replace(/\.$/, '') === '') {
      throw new SmtpSendError('SMTP_NO_ROUTE', `${name} accepts no mail (null MX, RFC 7505)`, { transient: false });
    }
    const random = deps.random ?? Math.random;
    return mx
      .filter((r) => r.exchange.replace(/\.$/, '') !== '')
      .map((r) => ({ r, tie: random() }))
      .sort((a, b) => a.r.priority - b.r.priority || a.tie - b.tie)
      .map(({ r }) => ({ host: r.exchange.replace(/\.$/, '').toLowerCase(), port: SMTP_PORT }));
  }
  // RFC 5321 §5.1: no MX records → the domain itself is the implicit MX, if it has an address.
  const [v4, v6] = await Promise.all([
    lookup(() => resolver.resolve4(name), name, 'A'),
    lookup(() => resolver.resolve6(name), name, 'AAAA'),
  ]);
  if (v4.length === 0 && v6.length === 0) {
    throw new SmtpSendError('SMTP_NO_ROUTE', `${name} has no MX, A or AAAA record`, { transient: false });
  }
  return [{ host: name, port: SMTP_PORT }];
}

/** Runs a query; "no such record" gives an empty list, other failures a transient error. */
async function lookup<T>(query: () => Promise<T[]>, name: string, type: string): Promise<T[]> {
  try {
    return await query();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (NO_DATA.has(code)) return [];
    throw new SmtpSendError('SMTP_DNS', `DNS ${type} lookup of ${name} failed: ${code || (err as Error).message}`, {
      transient: true, cause: err,
    });
  }
}

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port`; a missing port is 25. */
export function parseHostPort(value: string): SmtpRoute {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value);
  const host = m?.[1];
  const port = m?.[2] === undefined ? SMTP_PORT : Number(m[2]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    if (isIP(value) === 6) return { host: value, port: SMTP_PORT };
    throw new SmtpSendError('SMTP_NO_ROUTE', `invalid route override ${JSON.stringify(value)} (expected host:port)`, {
      transient: false,
    });
  }
  return { host, port };
}
