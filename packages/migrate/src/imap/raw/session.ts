/**
 * A lean IMAP client session for the copy's data path: many commands in flight at once
 * (pipelining, RFC 3501 §5.5), APPEND literals sent without waiting for "+" when the server has
 * LITERAL+ (RFC 7888), and whole-message FETCH answers taken as single literals. The general
 * client (imapflow, see ../endpoint.ts) does the listing and the scan; this one moves the bytes,
 * where a round trip per message would cost more than the copy itself.
 *
 * Security as in ../connect.ts: imaps is TLS from the first byte; imap must upgrade with
 * STARTTLS unless `allowPlaintext`; the password is never logged nor put in an error.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { MigrateError } from '../../errors.ts';
import type { Endpoint } from '../../endpoint.ts';
import { tlsPolicy, type OpenOptions } from '../connect.ts';
import { commandError, connectError } from '../failure.ts';
import { parseTagged, quoted, ResponseReader, type RawResponse, type SinkFor, type Tagged } from './reader.ts';

interface Pending {
  readonly tag: string;
  readonly resolve: (t: Tagged) => void;
  readonly reject: (e: Error) => void;
  readonly onUntagged: ((r: RawResponse) => void) | undefined;
  readonly sinkFor: SinkFor | undefined;
  /** What `onUntagged` threw: the command fails with it once answered; the session goes on. */
  error?: Error;
}

/** A literal to send inside a command. */
export class Literal {
  constructor(readonly bytes: Uint8Array) {}
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Size of the one buffer an implicit-TLS socket reads into. */
const READ_BUFFER = 256 * 1024;

/**
 * Reads of an implicit-TLS socket land in one reused buffer (Node's `onread`) instead of a new
 * Buffer per TLS record: a copy costs fewer allocations and far fewer garbage collections.
 * What arrives before the session attaches its reader (the greeting may come with the end of
 * the handshake) is kept until then. Node ignores `onread` for a socket upgraded by STARTTLS,
 * which therefore keeps its 'data' events.
 */
class ReadTap {
  #early: Buffer[] = [];
  #sink: ((chunk: Buffer) => void) | null = null;
  readonly onread = {
    buffer: Buffer.allocUnsafe(READ_BUFFER),
    callback: (n: number, buf: Uint8Array): boolean => {
      const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
      if (this.#sink) this.#sink(chunk);
      else this.#early.push(Buffer.from(chunk));
      return true;
    },
  };

  /** Node's tls.connect takes `onread` (since 15.x) though its type definitions do not say so. */
  get options(): ConnectionOptions {
    return { onread: this.onread } as ConnectionOptions;
  }

  attach(sink: (chunk: Buffer) => void): void {
    this.#sink = sink;
    for (const c of this.#early.splice(0)) sink(c);
  }
}
/** Characters that cannot travel in a quoted string: a login with them goes as a literal. */
const NOT_QUOTABLE = /[\r\n\0\u0080-\uffff]/;

export class RawSession {
  #socket: Socket | TLSSocket;
  #reader: ResponseReader;
  #caps = new Set<string>();
  #tag = 0;
  readonly #pending: Pending[] = [];
  #cont: { tag: string; resolve: (go: boolean) => void } | null = null;
  #writes: Promise<void> = Promise.resolve();
  #closed: MigrateError | null = null;
  #greeting: ((r: RawResponse) => void) | null = null;
  #greeted: RawResponse | null = null;
  readonly #what: string;

  private constructor(socket: Socket | TLSSocket, what: string, timeoutMs: number, tap: ReadTap | null) {
    this.#what = what;
    this.#socket = socket;
    this.#reader = this.#attach(socket, timeoutMs, tap);
  }

  get what(): string {
    return this.#what;
  }

  capabilities(): Set<string> {
    return this.#caps;
  }

  /** APPENDLIMIT=n (RFC 7889) in bytes, or null. */
  appendLimit(): number | null {
    for (const c of this.#caps) {
      const m = /^APPENDLIMIT=(\d+)$/.exec(c);
      if (m && Number(m[1]) > 0) return Number(m[1]);
    }
    return null;
  }

  static async open(e: Endpoint, password: string, opts: OpenOptions = {}): Promise<RawSession> {
    const timeout = opts.timeoutMs ?? 30_000;
    const where = `${e.host}:${e.port}`;
    const tls = { ...tlsPolicy(opts), ...(isIP(e.host) ? {} : { servername: e.host }) };
    let session: RawSession | undefined;
    try {
      const tap = e.security === 'tls' ? new ReadTap() : null;
      const socket = await connected(tap ? tlsConnect({ host: e.host, port: e.port, ...tls, ...tap.options }) : netConnect({ host: e.host, port: e.port }), tap !== null, timeout);
      session = new RawSession(socket, where, opts.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS, tap);
      await session.#awaitGreeting(timeout);
      await session.#refreshCapabilities();
      if (e.security === 'starttls') {
        if (session.#caps.has('STARTTLS')) {
          await session.#check(await session.command(['STARTTLS']), 'STARTTLS');
          // The TLS layer reads the plain socket from now on; our listeners must let go.
          for (const ev of ['data', 'error', 'close', 'timeout']) session.#socket.removeAllListeners(ev);
          session.#socket.setTimeout(0);
          const upgraded = await connected(tlsConnect({ socket: session.#socket as Socket, ...tls }), true, timeout);
          session.#socket = upgraded;
          session.#reader = session.#attach(upgraded, opts.idleTimeoutMs ?? DEFAULT_TIMEOUT_MS, null);
          await session.#refreshCapabilities();
        } else if (opts.allowPlaintext !== true) {
          throw new MigrateError('TLS_FAILED', `${where}: the server offers no STARTTLS; the password would travel in clear`);
        }
      }
      const login = await session.command(['LOGIN ', ...credential(e.user), ' ', ...credential(password)]);
      if (login.status !== 'OK') throw Object.assign(new Error('login refused'), { authenticationFailed: true, serverResponseCode: login.code ?? '' });
      await session.#refreshCapabilities();
      return session;
    } catch (err) {
      session?.destroy();
      if (err instanceof MigrateError) throw err;
      throw connectError(err, where);
    }
  }

  /**
   * Sends a command; strings are command text, {@link Literal}s are sent as literals. Untagged
   * answers go to `onUntagged`, their literals through `sinkFor` when given.
   */
  command(parts: readonly (string | Literal)[], onUntagged?: (r: RawResponse) => void, sinkFor?: SinkFor): Promise<Tagged> {
    if (this.#closed) return Promise.reject(this.#closed);
    const tag = `R${(++this.#tag).toString(36)}`;
    const done = new Promise<Tagged>((resolve, reject) => this.#pending.push({ tag, resolve, reject, onUntagged, sinkFor }));
    const plus = this.#caps.has('LITERAL+');
    this.#writes = this.#writes.then(async () => {
      // The pieces of a command go out as one write (cork/uncork → writev): one TLS record
      // run and one system call instead of one per piece.
      let text = `${tag} `;
      const out: (string | Uint8Array)[] = [];
      for (const p of parts) {
        if (typeof p === 'string') { text += p; continue; }
        if (plus) { out.push(`${text}{${p.bytes.byteLength}+}\r\n`, p.bytes); text = ''; continue; }
        out.push(`${text}{${p.bytes.byteLength}}\r\n`);
        text = '';
        await this.#flush(out.splice(0));
        // Synchronizing literal: the server says "+" when ready, or answers the tag (refusal).
        if (!(await new Promise<boolean>((resolve) => { this.#cont = { tag, resolve }; }))) return;
        out.push(p.bytes);
      }
      out.push(`${text}\r\n`);
      await this.#flush(out);
    }).catch((err: unknown) => this.#fail(err instanceof MigrateError ? err : new MigrateError('CONNECTION_LOST', `${this.#what}: ${(err as Error).message}`)));
    return done;
  }

  /** Throws the mapped error unless the command succeeded. */
  async #check(t: Tagged, what: string): Promise<Tagged> {
    if (t.status === 'OK') return t;
    throw commandError({ serverResponseCode: t.code ?? '', responseText: t.text }, what);
  }

  async run(parts: readonly (string | Literal)[], what: string, onUntagged?: (r: RawResponse) => void, sinkFor?: SinkFor): Promise<Tagged> {
    return this.#check(await this.command(parts, onUntagged, sinkFor), what);
  }

  async #refreshCapabilities(): Promise<void> {
    const caps: string[] = [];
    await this.run(['CAPABILITY'], 'CAPABILITY', (r) => {
      const m = /^\* CAPABILITY (.*)$/i.exec(r.lines[0] ?? '');
      if (m) caps.push(...m[1]!.split(' ').filter(Boolean));
    });
    this.#caps = new Set(caps.map((c) => c.toUpperCase()));
  }

  #awaitGreeting(timeout: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(Object.assign(new Error('no greeting'), { code: 'GREETING_TIMEOUT' })), timeout);
      const judge = (r: RawResponse): void => {
        clearTimeout(t);
        this.#greeting = null;
        if (/^\* (OK|PREAUTH)\b/i.test(r.lines[0] ?? '')) resolve();
        else reject(new Error(`greeting: ${(r.lines[0] ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}`));
      };
      if (this.#greeted) judge(this.#greeted);
      else this.#greeting = judge;
    });
  }

  #attach(socket: Socket | TLSSocket, timeoutMs: number, tap: ReadTap | null): ResponseReader {
    // Untagged answers belong to the oldest command in flight (see #dispatch), and so do their literals.
    const reader = new ResponseReader((r) => this.#dispatch(r), (size) => this.#pending[0]?.sinkFor?.(size) ?? null);
    socket.setNoDelay(true);
    socket.removeAllListeners('data');
    const onChunk = (chunk: Buffer): void => {
      if (this.#reader !== reader || this.#closed) return;
      try { reader.push(chunk); } catch (err) { this.#fail(new MigrateError('CONNECTION_LOST', `${this.#what}: ${(err as Error).message}`)); }
    };
    if (tap) tap.attach(onChunk);
    else socket.on('data', onChunk);
    socket.setTimeout(timeoutMs, () => {
      // A peer that hangs with commands outstanding: give up, the engine reconnects.
      if (this.#pending.length > 0) this.#fail(new MigrateError('CONNECTION_LOST', `${this.#what}: no answer for ${timeoutMs / 1000} s`));
    });
    socket.on('error', (err) => this.#fail(new MigrateError('CONNECTION_LOST', `${this.#what}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    socket.on('close', () => this.#fail(new MigrateError('CONNECTION_LOST', `${this.#what}: connection closed`)));
    return reader;
  }

  #dispatch(r: RawResponse): void {
    const first = r.lines[0] ?? '';
    if (!this.#greeted) { this.#greeted = r; this.#greeting?.(r); return; }
    if (first.startsWith('+')) { const c = this.#cont; this.#cont = null; c?.resolve(true); return; }
    if (first.startsWith('* ')) {
      const p = this.#pending[0];
      try { p?.onUntagged?.(r); } catch (err) { if (p) p.error ??= err as Error; }
      return;
    }
    const sp = first.indexOf(' ');
    const tag = first.slice(0, sp);
    const i = this.#pending.findIndex((p) => p.tag === tag);
    if (i < 0) return;
    const [p] = this.#pending.splice(i, 1);
    if (this.#cont?.tag === tag) { const c = this.#cont; this.#cont = null; c.resolve(false); }
    if (p!.error) p!.reject(p!.error);
    else p!.resolve(parseTagged(first.slice(sp + 1)));
  }

  /** Writes the pieces at once, then waits for the socket to drain if its buffer is full. */
  async #flush(pieces: readonly (string | Uint8Array)[]): Promise<void> {
    if (this.#closed) throw this.#closed;
    const socket = this.#socket;
    socket.cork();
    for (const p of pieces) socket.write(p);
    socket.uncork();
    if (socket.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = (): void => { socket.off('drain', done); socket.off('close', done); resolve(); };
        socket.once('drain', done);
        socket.once('close', done);
      });
    }
  }

  #fail(err: MigrateError): void {
    if (!this.#closed) this.#closed = err;
    this.#cont?.resolve(false);
    this.#cont = null;
    for (const p of this.#pending.splice(0)) p.reject(this.#closed);
    this.#socket.destroy();
  }

  destroy(): void {
    this.#fail(new MigrateError('CONNECTION_LOST', `${this.#what}: closed by us`));
  }

  /** LOGOUT, then the socket goes; never waits long for a server that does not answer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.race([this.command(['LOGOUT']).catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.destroy();
  }
}

/** A login or password as an IMAP string: quoted when possible, else a literal. */
function credential(s: string): (string | Literal)[] {
  return NOT_QUOTABLE.test(s) ? [new Literal(Buffer.from(s, 'utf8'))] : [quoted(s)];
}

function connected<T extends Socket>(socket: T, secure: boolean, timeout: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { socket.destroy(); reject(Object.assign(new Error('connect timeout'), { code: 'CONNECT_TIMEOUT' })); }, timeout);
    socket.once(secure ? 'secureConnect' : 'connect', () => { clearTimeout(t); resolve(socket); });
    socket.once('error', (err) => { clearTimeout(t); reject(err); });
  });
}
