/**
 * A minimal IMAP client for the benchmark (the same one measures every server): implicit TLS,
 * tagged commands (pipelining allowed: untagged responses go to the oldest pending command),
 * literals in responses counted, never kept, so fetching hundreds of megabytes builds no big
 * strings. APPEND uses LITERAL+ (no wait for the continuation).
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { imapDate } from './generate.ts';

export interface Untagged {
  /** The response, each literal replaced by its `{n}` announcement. */
  readonly text: string;
  /** Bytes of the literals in this response. */
  readonly literalBytes: number;
}

export interface Completion {
  readonly status: 'OK' | 'NO' | 'BAD';
  /** The tagged line, tag included. */
  readonly text: string;
  /** Untagged FETCH responses received for this command. */
  readonly fetches: number;
  /** Bytes of all the literals received for this command. */
  readonly literalBytes: number;
  readonly ms: number;
}

export class ImapError extends Error {}

interface Pending {
  readonly tag: string;
  readonly start: number;
  readonly onUntagged: ((u: Untagged) => void) | undefined;
  fetches: number;
  literalBytes: number;
  resolve(c: Completion): void;
  reject(e: Error): void;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** PEM file of the CA that issued the server's certificate (which names localhost). */
  readonly caFile: string;
}

const LITERAL_AT_END = /\{(\d+)\}\r?\n$/;
const FETCH = /^\* \d+ FETCH /;

export const quote = (s: string): string => `"${s.replace(/[\\"]/g, '\\$&')}"`;

export class ImapClient {
  readonly #socket: TLSSocket;
  readonly #pending: Pending[] = [];
  #seq = 0;
  #text = '';
  #literal = 0;
  #responseLiteral = 0;
  #greeting: { resolve(text: string): void; reject(e: Error): void } | undefined;
  #failure: Error | undefined;

  private constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => this.#fail(new ImapError('connection closed')));
  }

  /** Connects, verifies the certificate against the CA, waits for the greeting. */
  static async connect(ep: Endpoint): Promise<ImapClient> {
    const socket = tlsConnect({ host: ep.host, port: ep.port, ca: [readFileSync(ep.caFile)], servername: 'localhost' });
    const client = new ImapClient(socket);
    const text = await new Promise<string>((resolve, reject) => (client.#greeting = { resolve, reject }));
    if (!text.startsWith('* OK')) throw new ImapError(`unexpected greeting: ${text.trim()}`);
    return client;
  }

  /** Sends one command; resolves at its tagged completion (whatever its status). */
  command(cmd: string, onUntagged?: (u: Untagged) => void): Promise<Completion> {
    return this.#send(`${cmd}\r\n`, undefined, onUntagged);
  }

  /** Like command(), but rejects unless the status is OK. */
  async ok(cmd: string, onUntagged?: (u: Untagged) => void): Promise<Completion> {
    const c = await this.command(cmd, onUntagged);
    if (c.status !== 'OK') throw new ImapError(`${cmd.split(' ')[0]} failed: ${c.text.trim()}`);
    return c;
  }

  /** APPEND with a non-synchronizing literal (LITERAL+): may be pipelined. */
  append(mailbox: string, flags: readonly string[], date: Date, bytes: Buffer): Promise<Completion> {
    return this.#send(`APPEND ${quote(mailbox)} (${flags.join(' ')}) "${imapDate(date)}" {${bytes.length}+}\r\n`, bytes);
  }

  async login(user: string, password: string): Promise<void> {
    await this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /** SELECT; returns EXISTS and UIDNEXT. */
  async select(mailbox: string): Promise<{ exists: number; uidNext: number }> {
    let exists = -1;
    let uidNext = -1;
    await this.ok(`SELECT ${quote(mailbox)}`, (u) => {
      const e = /^\* (\d+) EXISTS/.exec(u.text);
      if (e) exists = Number(e[1]);
      const n = /\[UIDNEXT (\d+)\]/i.exec(u.text);
      if (n) uidNext = Number(n[1]);
    });
    return { exists, uidNext };
  }

  /** LOGOUT, then closes (quietly: the server may close first). */
  async logout(): Promise<void> {
    await Promise.race([this.command('LOGOUT').catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    this.close();
  }

  close(): void {
    this.#failure ??= new ImapError('client closed');
    this.#socket.destroy();
  }

  #send(head: string, literal: Buffer | undefined, onUntagged?: (u: Untagged) => void): Promise<Completion> {
    if (this.#failure) return Promise.reject(this.#failure);
    const tag = `b${++this.#seq}`;
    return new Promise<Completion>((resolve, reject) => {
      this.#pending.push({ tag, start: performance.now(), onUntagged, fetches: 0, literalBytes: 0, resolve, reject });
      this.#socket.cork();
      this.#socket.write(`${tag} ${head}`, 'latin1');
      if (literal) {
        this.#socket.write(literal);
        this.#socket.write('\r\n');
      }
      this.#socket.uncork();
    });
  }

  #data(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#literal > 0) {
        const take = Math.min(this.#literal, chunk.length - pos);
        this.#literal -= take;
        this.#responseLiteral += take;
        pos += take;
        continue;
      }
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.#text += chunk.toString('latin1', pos);
        return;
      }
      this.#text += chunk.toString('latin1', pos, nl + 1);
      pos = nl + 1;
      const lit = LITERAL_AT_END.exec(this.#text.slice(-24));
      if (lit) {
        this.#literal = Number(lit[1]);
        continue;
      }
      const text = this.#text;
      const literalBytes = this.#responseLiteral;
      this.#text = '';
      this.#responseLiteral = 0;
      this.#response(text, literalBytes);
    }
  }

  #response(text: string, literalBytes: number): void {
    if (this.#greeting) {
      const g = this.#greeting;
      this.#greeting = undefined;
      g.resolve(text);
      return;
    }
    if (text.startsWith('* ')) {
      const p = this.#pending[0];
      if (!p) return;
      p.literalBytes += literalBytes;
      if (FETCH.test(text)) p.fetches++;
      p.onUntagged?.({ text, literalBytes });
      return;
    }
    if (text.startsWith('+')) {
      this.#fail(new ImapError(`unexpected continuation request: ${text.trim()}`));
      return;
    }
    const sp = text.indexOf(' ');
    const tag = text.slice(0, sp);
    const i = this.#pending.findIndex((p) => p.tag === tag);
    if (i < 0) {
      this.#fail(new ImapError(`response with an unknown tag: ${text.slice(0, 200).trim()}`));
      return;
    }
    const [p] = this.#pending.splice(i, 1) as [Pending];
    const status = text.slice(sp + 1, sp + 4).trim().toUpperCase();
    p.resolve({
      status: status === 'OK' ? 'OK' : status === 'NO' ? 'NO' : 'BAD', text,
      fetches: p.fetches, literalBytes: p.literalBytes + literalBytes, ms: performance.now() - p.start,
    });
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    this.#greeting?.reject(e);
    this.#greeting = undefined;
    for (const p of this.#pending.splice(0)) p.reject(e);
  }
}
