/**
 * One POP3 connection: reads command lines, runs them one at a time (so pipelined commands,
 * RFC 2449 §6.6, are answered in order), streams replies with back-pressure, and walks the
 * RFC 1939 states AUTHORIZATION → TRANSACTION → UPDATE. Deletions happen only in UPDATE,
 * reached by QUIT; a connection that drops deletes nothing.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { AuthFailureLimiter } from '@recapito/smtp';
import { COMMANDS, type CommandContext, type Pop3State } from './commands/index.ts';
import { errLine, type Pop3ErrorCode } from './errors.ts';
import { LineReader } from './line-reader.ts';
import { invalidMessage, MaildropView } from './maildrop-view.ts';
import { drain, streamMessage } from './stream.ts';
import type { Pop3Backend, Pop3Logger, Pop3Mode } from './types.ts';

/** RFC 2449 §4: 255 octets per command line, CRLF included. */
const MAX_COMMAND_LINE = 255;
/** SASL responses are not commands and may be longer (RFC 5034 §4). */
const MAX_SASL_LINE = 4096;
/** Unknown commands, over-long lines and wrong-state commands tolerated before closing. */
const MAX_ERRORS = 10;
/** Unread input kept before the socket is paused. */
const MAX_BUFFERED = 64 * 1024;

/** What a session needs from its listener. */
export interface SessionDeps {
  mode: Pop3Mode;
  hostname: string;
  backend: Pop3Backend;
  limiter: AuthFailureLimiter;
  secureContext: SecureContext;
  socketTimeoutMs: number;
  logger?: Pop3Logger;
}

/** A POP3 session over one socket. */
export class Pop3Session implements CommandContext {
  state: Pop3State = 'AUTHORIZATION';
  pendingUser: string | undefined;
  drop: MaildropView | undefined;
  readonly mode: Pop3Mode;
  readonly #deps: SessionDeps;
  readonly #remote: string;
  #sock: Socket;
  #secure: boolean;
  readonly #reader = new LineReader(MAX_COMMAND_LINE);
  #busy = false;
  #closed = false;
  #errors = 0;
  #continuation: ((line: string) => Promise<void>) | undefined;
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);
  /** Resolves when the socket is gone and the maildrop released. */
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(sock: Socket, secure: boolean, deps: SessionDeps) {
    this.#deps = deps;
    this.mode = deps.mode;
    this.#sock = sock;
    this.#secure = secure;
    this.#remote = sock.remoteAddress ?? 'unknown';
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#attach(sock);
    sock.once('close', () => void this.#finish());
  }

  get secure(): boolean {
    return this.#secure;
  }

  get authAllowed(): boolean {
    return this.#secure;
  }

  /** Sends the greeting (RFC 1939 §4). */
  async start(): Promise<void> {
    await this.ok(`${this.#deps.hostname} POP3 server ready / pronto`);
  }

  /** Ends the session without UPDATE (listener shutdown). */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.end(`${errLine('POP3_SHUTDOWN')}\r\n`);
    hardClose(this.#sock);
  }

  ok(text: string): Promise<void> {
    return this.line(text === '' ? '+OK' : `+OK ${text}`);
  }

  err(code: Pop3ErrorCode, detail?: string): Promise<void> {
    return this.line(errLine(code, detail));
  }

  async line(text: string): Promise<void> {
    await this.#write(`${text}\r\n`);
  }

  async multi(first: string, lines: readonly string[]): Promise<void> {
    const body = lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n');
    await this.#write(`+OK ${first}\r\n${body}${lines.length > 0 ? '\r\n' : ''}.\r\n`);
  }

  sendMessage(first: string, bytes: Uint8Array, end: number): Promise<void> {
    return streamMessage(this.#sock, first, bytes, end, () => this.#closed);
  }

  expectContinuation(handler: (line: string) => Promise<void>): void {
    this.#continuation = handler;
    this.#reader.maxLine = MAX_SASL_LINE;
  }

  async login(user: string, password: string): Promise<void> {
    const { limiter, backend, logger } = this.#deps;
    const blocked = limiter.blocked(user, this.#remote);
    if (blocked) {
      logger?.warn({ user, remoteAddress: this.#remote, blocked }, 'pop3 login refused: too many failures');
      return this.err('POP3_AUTH_BLOCKED');
    }
    let result;
    try {
      result = await backend.authenticate(user, password, { remoteAddress: this.#remote, secure: this.#secure });
    } catch (e) {
      logger?.warn({ user, err: String(e) }, 'pop3 backend authenticate failed');
      return this.err('POP3_SYS_TEMP');
    }
    if (this.#closed) {
      if (result.ok) await result.maildrop.release?.().catch(() => undefined);
      return;
    }
    if (!result.ok) {
      logger?.info({ user, remoteAddress: this.#remote, code: result.code, reason: result.message }, 'pop3 login failed');
      if (result.code === 'AUTH') {
        limiter.recordFailure(user, this.#remote);
        return this.err('POP3_AUTH_FAILED');
      }
      return this.err(result.code === 'IN-USE' ? 'POP3_IN_USE' : 'POP3_SYS_TEMP', clean(result.message));
    }
    try {
      const messages = await result.maildrop.list();
      const bad = invalidMessage(messages);
      if (bad) throw new Error(`message not valid for POP3: uid ${JSON.stringify(bad.uid).slice(0, 80)}`);
      this.drop = new MaildropView(result.maildrop, messages);
    } catch (e) {
      logger?.warn({ user, err: String(e) }, 'pop3 maildrop list failed');
      await result.maildrop.release?.().catch(() => undefined);
      return this.err('POP3_SYS_TEMP');
    }
    this.state = 'TRANSACTION';
    if (this.#closed) return void this.#finish();
    logger?.info({ user, remoteAddress: this.#remote }, 'pop3 login');
    const { count, octets } = this.drop.stat();
    await this.ok(`maildrop has ${count} messages (${octets} octets)`);
  }

  async startTls(): Promise<void> {
    await this.ok('begin TLS negotiation / avvio TLS');
    const raw = this.#sock;
    raw.off('data', this.#onData);
    raw.setTimeout(0);
    // RFC 2595 §4 / RFC 3207 §6 reasoning: plaintext sent after STLS is discarded.
    this.#reader.clear();
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.#deps.secureContext });
    this.#sock = secure;
    this.#attach(secure);
    secure.pause();
    const handshake = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('error', () => resolve(false));
      secure.once('close', () => resolve(false));
    });
    if (!handshake) {
      raw.destroy();
      return;
    }
    this.#secure = true;
    this.pendingUser = undefined;
    secure.resume();
  }

  async quit(): Promise<void> {
    const drop = this.drop;
    if (this.state === 'TRANSACTION' && drop) {
      this.state = 'UPDATE';
      const uids = drop.deletedUids();
      try {
        if (uids.length > 0) await drop.maildrop.delete(uids);
      } catch (e) {
        this.#deps.logger?.warn({ err: String(e) }, 'pop3 update failed');
        await this.err('POP3_UPDATE_FAILED');
        return this.#end();
      }
    }
    await this.ok('bye / arrivederci');
    this.#end();
  }

  #attach(sock: Socket): void {
    sock.on('data', this.#onData);
    sock.on('error', (e) => this.#deps.logger?.info({ err: e.message, remoteAddress: this.#remote }, 'pop3 socket error'));
    sock.setTimeout(this.#deps.socketTimeoutMs, () => {
      this.#closed = true;
      sock.end(`${errLine('POP3_TIMEOUT')}\r\n`);
      hardClose(sock);
    });
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#reader.push(chunk);
    if (this.#reader.buffered > MAX_BUFFERED) this.#sock.pause();
    void this.#pump();
  }

  /** Runs buffered lines one at a time; never throws. */
  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let item = this.#reader.next(); item && !this.#closed; item = this.#reader.next()) {
        if (item.kind === 'too-long') {
          this.#continuation = undefined;
          this.#reader.maxLine = MAX_COMMAND_LINE;
          await this.#fail('POP3_LINE_TOO_LONG');
        } else await this.#handle(item.bytes.toString('utf8'));
      }
    } catch (e) {
      this.#deps.logger?.warn({ err: String(e), remoteAddress: this.#remote }, 'pop3 session error');
      this.#sock.destroy();
    } finally {
      this.#busy = false;
    }
    if (!this.#closed && this.#reader.buffered <= MAX_BUFFERED && this.#sock.isPaused()) this.#sock.resume();
  }

  async #handle(text: string): Promise<void> {
    const continuation = this.#continuation;
    if (continuation) {
      this.#continuation = undefined;
      this.#reader.maxLine = MAX_COMMAND_LINE;
      return continuation(text);
    }
    const space = text.indexOf(' ');
    const keyword = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : text.slice(space + 1);
    const command = /^[A-Z]{3,4}$/.test(keyword) ? COMMANDS.get(keyword) : undefined;
    if (!command) return this.#fail('POP3_UNKNOWN_COMMAND');
    if (!command.states.includes(this.state)) return this.#fail('POP3_WRONG_STATE');
    await command.run(this, keyword === 'PASS' ? arg : arg.trim());
  }

  /** An error reply that counts towards closing the connection. */
  async #fail(code: Pop3ErrorCode): Promise<void> {
    this.#errors++;
    if (this.#errors >= MAX_ERRORS) {
      await this.err(code);
      await this.err('POP3_TOO_MANY_ERRORS');
      return this.#end();
    }
    await this.err(code);
  }

  async #write(data: string): Promise<void> {
    if (this.#closed || this.#sock.destroyed) return;
    if (!this.#sock.write(data)) await drain(this.#sock);
  }

  #end(): void {
    this.#closed = true;
    this.#sock.end();
    hardClose(this.#sock);
  }

  /** Socket gone: release the maildrop without applying anything (RFC 1939 §6). */
  async #finish(): Promise<void> {
    this.#closed = true;
    const drop = this.drop;
    this.drop = undefined;
    try {
      if (drop) await drop.maildrop.release?.();
    } catch (e) {
      this.#deps.logger?.warn({ err: String(e) }, 'pop3 maildrop release failed');
    }
    this.#resolveDone();
  }
}

/** Closes once pending output is flushed, or after a second if the client does not read. */
function hardClose(sock: Socket): void {
  sock.destroySoon();
  setTimeout(() => sock.destroy(), 1000).unref();
}

/** A backend text made safe for one reply line. */
function clean(text: string): string {
  return text.replace(/[\r\n\0]+/g, ' ').slice(0, 200);
}
