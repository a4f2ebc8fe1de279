/**
 * One IMAP connection: frames the client stream (literals included), parses each command, runs
 * it, sends pending updates of the selected folder, then the tagged response (RFC 3501 §5.5:
 * commands are run one at a time, in order). Also the modes in which client lines are not
 * commands: AUTHENTICATE responses and IDLE's DONE.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { AuthFailureLimiter } from '@recapito/smtp';
import { ImapFramer, type FramedCommand, type FramerEvent } from '../protocol/framer.ts';
import { isIdleDone } from '../protocol/lines.ts';
import { ImapParseError } from '../protocol/errors.ts';
import { parseCommand } from '../protocol/parser.ts';
import type { Command } from '../protocol/types.ts';
import { continuation, statusResponse, untagged, type WireValue } from '../protocol/writer.ts';
import { capabilities } from './capabilities.ts';
import { bad, no, ok, type ImapState, type Reply, type SessionContext } from './context.ts';
import { HANDLERS } from './commands/index.ts';
import { replyForError } from './errors.ts';
import type { SelectedFolder } from './selected.ts';
import type { ViewCache } from './view-cache.ts';
import type { ImapAccount, ImapBackend, ImapLogger, ImapMode } from './types.ts';

export interface SessionDeps {
  mode: ImapMode;
  hostname: string;
  backend: ImapBackend;
  limiter: AuthFailureLimiter;
  secureContext: SecureContext;
  socketTimeoutMs: number;
  idlePollMs: number;
  maxMessageBytes: number;
  headerViews: ViewCache;
  logger?: ImapLogger;
}

/** Bad commands tolerated before the connection is closed (a client speaking garbage). */
const MAX_BAD = 20;
/** Unprocessed input held before the socket is paused. */
const MAX_QUEUED = 64;
/** During FETCH, STORE and SEARCH by sequence number no EXPUNGE may be sent (RFC 3501 §7.4.1). */
const NO_EXPUNGE = new Set(['FETCH', 'STORE', 'SEARCH']);

type LineWaiter = (cmd: FramedCommand | undefined) => void;

export class ImapSession implements SessionContext {
  readonly mode: ImapMode;
  state: ImapState = 'not-authenticated';
  account: ImapAccount | undefined;
  selected: SelectedFolder | undefined;
  readonly enabled = new Set<string>();
  condstore = false;
  readonly done: Promise<void>;
  readonly #deps: SessionDeps;
  readonly #remote: string;
  #sock: Socket;
  #secure: boolean;
  #framer: ImapFramer;
  readonly #queue: FramerEvent[] = [];
  #busy = false;
  #closed = false;
  #bad = 0;
  #waiter: LineWaiter | undefined;
  #resolveDone!: () => void;
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);

  constructor(sock: Socket, secure: boolean, deps: SessionDeps) {
    this.#deps = deps;
    this.mode = deps.mode;
    this.#sock = sock;
    this.#secure = secure;
    this.#remote = sock.remoteAddress ?? 'unknown';
    this.#framer = this.#newFramer();
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#attach(sock);
    sock.once('close', () => void this.#finish());
  }

  get secure(): boolean {
    return this.#secure;
  }

  get headerViews(): ViewCache {
    return this.#deps.headerViews;
  }

  capabilities(): string[] {
    return capabilities(this);
  }

  async start(): Promise<void> {
    await this.write(statusResponse(undefined, 'OK', `${this.#deps.hostname} IMAP4rev1 ready / pronto`, { name: 'CAPABILITY', args: this.capabilities().map((atom) => ({ atom })) }));
  }

  /** Listener shutdown: BYE and close (RFC 3501 §7.1.5). */
  abort(): void {
    if (this.#closed) return;
    void this.write(statusResponse(undefined, 'BYE', 'Server shutting down / server in arresto')).finally(() => this.close());
  }

  untagged(values: WireValue[]): Promise<void> {
    return this.write(untagged(values, {}));
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      if (this.#closed || this.#sock.destroyed) return;
      if (!this.#sock.write(c)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.#sock.off('drain', done);
            this.#sock.off('close', done);
            resolve();
          };
          this.#sock.on('drain', done);
          this.#sock.on('close', done);
        });
      }
    }
  }

  async login(user: string, password: string): Promise<Reply> {
    const { limiter, backend, logger } = this.#deps;
    const blocked = limiter.blocked(user, this.#remote);
    if (blocked) {
      logger?.warn({ user, remoteAddress: this.#remote, blocked }, 'imap login refused: too many failures');
      return no(`Too many failed logins for this ${blocked === 'user' ? 'account' : 'address'}; retry later / troppi tentativi falliti, riprovare più tardi`, { name: 'UNAVAILABLE' });
    }
    const result = await backend.authenticate(user, password, { remoteAddress: this.#remote, secure: this.#secure });
    if (!result.ok) {
      logger?.info({ user, remoteAddress: this.#remote, code: result.code }, 'imap login failed');
      if (result.code === 'AUTHENTICATIONFAILED') limiter.recordFailure(user, this.#remote);
      return no(result.message, { name: result.code });
    }
    if (this.#closed) {
      await result.account.close?.();
      return no('Connection closed');
    }
    this.account = result.account;
    this.state = 'authenticated';
    logger?.info({ user, remoteAddress: this.#remote }, 'imap login');
    return ok('Logged in / accesso eseguito', { name: 'CAPABILITY', args: this.capabilities().map((atom) => ({ atom })) });
  }

  async startTls(tag: string): Promise<void> {
    await this.write(statusResponse(tag, 'OK', 'Begin TLS negotiation now / avvio TLS'));
    const raw = this.#sock;
    raw.off('data', this.#onData);
    raw.setTimeout(0);
    // RFC 3501 §6.2.1 / RFC 2595 §3.1: anything pipelined after STARTTLS in plaintext is dropped.
    this.#queue.length = 0;
    this.#framer = this.#newFramer();
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.#deps.secureContext });
    this.#sock = secure;
    this.#attach(secure);
    const okHandshake = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('error', () => resolve(false));
      secure.once('close', () => resolve(false));
    });
    if (!okHandshake) {
      raw.destroy();
      return;
    }
    this.#secure = true;
  }

  readAuthLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiter = (cmd) => {
        const first = cmd?.parts[0];
        if (!cmd || !first || first.kind !== 'line' || cmd.parts.length > 1) reject(new ImapParseError('Invalid authentication response'));
        else resolve(Buffer.from(first.bytes).toString('latin1'));
      };
      void this.#pump();
    });
  }

  async idle(): Promise<void> {
    await this.write(continuation('idling / in attesa'));
    let ended = false;
    const finished = new Promise<void>((resolve) => {
      const wait = (cmd: FramedCommand | undefined): void => {
        if (!cmd || isIdleDone(cmd)) {
          ended = true;
          resolve();
        } else {
          // RFC 2177 §3: anything but DONE is a protocol error; keep waiting for DONE.
          void this.write(statusResponse(undefined, 'BAD', 'Expected DONE / atteso DONE'));
          this.#waiter = wait;
        }
      };
      this.#waiter = wait;
    });
    void this.#pump();
    while (!ended && !this.#closed) {
      await this.#sendUpdates(true);
      await Promise.race([finished, new Promise((r) => setTimeout(r, this.#deps.idlePollMs))]);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.end();
    const s = this.#sock;
    setTimeout(() => s.destroy(), 2000).unref();
  }

  #newFramer(): ImapFramer {
    const max = this.#deps.maxMessageBytes;
    return new ImapFramer({
      maxAppendLiteral: max,
      maxCommandSize: max + 256 * 1024,
      checkLiteral: (r) => (r.append && r.size > max ? { status: 'NO', code: 'TOOBIG', text: `Message larger than ${max} octets / messaggio troppo grande` } : undefined),
    });
  }

  #attach(sock: Socket): void {
    sock.on('data', this.#onData);
    sock.on('error', (e) => this.#deps.logger?.info({ err: e.message, remoteAddress: this.#remote }, 'imap socket error'));
    sock.setTimeout(this.#deps.socketTimeoutMs, () => {
      void this.write(statusResponse(undefined, 'BYE', 'Autologout: idle for too long / disconnessione per inattività')).finally(() => this.close());
    });
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    for (const ev of this.#framer.push(chunk)) {
      if (ev.type === 'continue') void this.write(continuation('Ready for literal data / pronto'));
      else this.#queue.push(ev);
    }
    if (this.#queue.length > MAX_QUEUED) this.#sock.pause();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#waiter) {
      const ev = this.#queue.shift();
      if (!ev) return;
      const w = this.#waiter;
      this.#waiter = undefined;
      w(ev.type === 'command' ? ev.command : undefined);
      return;
    }
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#closed && !this.#waiter) {
        const ev = this.#queue.shift();
        if (!ev) break;
        await this.#handle(ev);
      }
    } catch (e) {
      this.#deps.logger?.warn({ err: String(e), remoteAddress: this.#remote }, 'imap session error');
      this.close();
    } finally {
      this.#busy = false;
    }
    if (!this.#closed && this.#queue.length <= MAX_QUEUED && this.#sock.isPaused()) this.#sock.resume();
  }

  async #handle(ev: FramerEvent): Promise<void> {
    if (ev.type === 'error') {
      const code = ev.code ? { name: ev.code } : undefined;
      await this.write(statusResponse(ev.tag, ev.status, ev.text, code));
      if (ev.fatal) this.close();
      else if (ev.status === 'BAD') this.#countBad();
      return;
    }
    if (ev.type !== 'command') return;
    let cmd: Command;
    try {
      cmd = parseCommand(ev.command);
    } catch (e) {
      if (!(e instanceof ImapParseError)) throw e;
      await this.write(statusResponse(e.tag, 'BAD', e.message));
      this.#countBad();
      return;
    }
    const reply = await this.#run(cmd);
    if (this.#closed && reply.status === 'OK' && cmd.name !== 'LOGOUT') return;
    if (reply.status === 'BAD') this.#countBad();
    if (cmd.name !== 'STARTTLS' || reply.status !== 'OK') {
      await this.write(statusResponse(cmd.tag, reply.status, reply.text, reply.code));
    }
    if (this.state === 'logout') this.close();
  }

  async #run(cmd: Command): Promise<Reply> {
    const handler = HANDLERS[cmd.name] as { states: readonly ImapState[]; run(ctx: SessionContext, c: Command): Promise<Reply> } | undefined;
    if (!handler) return bad(`Command ${cmd.name} is not supported / comando non supportato`);
    if (!handler.states.includes(this.state)) {
      return bad(this.state === 'not-authenticated' ? 'Log in first / autenticarsi prima' : `${cmd.name} not allowed now: ${this.state === 'selected' ? 'already selected' : 'select a folder first'} / comando non ammesso in questo stato`);
    }
    let reply: Reply;
    try {
      reply = await handler.run(this, cmd);
    } catch (e) {
      reply = replyForError(e, (err) => this.#deps.logger?.warn({ err: String(err), command: cmd.name }, 'imap command failed'));
    }
    if (this.selected && this.state === 'selected' && cmd.name !== 'LOGOUT') {
      const uidCommand = 'uid' in cmd && cmd.uid === true;
      await this.#sendUpdates(uidCommand || !NO_EXPUNGE.has(cmd.name));
    }
    return reply;
  }

  async #sendUpdates(allowExpunge: boolean): Promise<void> {
    if (!this.selected || !this.account || this.#closed) return;
    const lines = await this.selected.refresh(this.account, { allowExpunge, condstore: this.condstore });
    for (const l of lines) await this.untagged(l);
  }

  #countBad(): void {
    if (++this.#bad > MAX_BAD) {
      void this.write(statusResponse(undefined, 'BYE', 'Too many invalid commands / troppi comandi non validi')).finally(() => this.close());
    }
  }

  async #finish(): Promise<void> {
    this.#closed = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(undefined);
    try {
      await this.account?.close?.();
    } catch { /* the session is gone either way */ }
    this.#resolveDone();
  }
}
