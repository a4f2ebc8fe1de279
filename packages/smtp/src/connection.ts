/**
 * Thin specialisation of smtp-server's session and server classes, for three wire details the
 * library does not let a handler choose:
 *
 * 1. Enhanced status codes (RFC 3463 via RFC 2034): the library derives the code from the
 *    reply number (550 → 5.1.1). A refusal of ours carries its own code at the head of the
 *    text ("5.7.1 ..."); that one is sent instead, so backend replies reach the client as given.
 * 2. AUTH before TLS (RFC 3207 §4): answered "530 5.7.0 Must issue a STARTTLS command first"
 *    instead of the library's 538.
 * 3. AUTH is not advertised in the EHLO reply of a cleartext session (RFC 4954 §4: plaintext
 *    mechanisms only under TLS), so clients do not offer passwords before STARTTLS.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { SMTP_REPLIES, formatReplyText, splitEnhanced } from './replies.ts';

/** A session whose replies honour explicit enhanced status codes. */
class RecapitoSmtpConnection extends SMTPConnection {
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (code === 538) {
      // The library's "must STARTTLS first" refusal of AUTH; RFC 3207 §4 specifies 530.
      const r = SMTP_REPLIES.tlsRequired;
      super.send(r.code, formatReplyText(r), false);
      return;
    }
    if (code === 250 && Array.isArray(data) && !this.secure) {
      data = data.filter((line) => !/^AUTH\b/i.test(line));
    }
    if (typeof data === 'string' && code >= 400 && context !== false && splitEnhanced(data)) {
      // The text already starts with its enhanced code: send it as it is.
      super.send(code, data, false);
      return;
    }
    super.send(code, data, context);
  }

  /**
   * The library waits 100 ms before the greeting to catch clients that talk too soon (a spam
   * heuristic for port 25). Authenticated submission has no use for it, and it adds 100 ms to
   * every connection, so the delay is an option: {@link greetingDelayMs} on the server.
   */
  override init(): void {
    const delay = (this._server as RecapitoSmtpServer).greetingDelayMs;
    if (delay >= 100) return super.init();
    const self = this as unknown as { _setListeners(cb: () => void): void; connectionReady(): void; _server: { options: { maxClients?: number }; connections: Set<unknown> } };
    self._setListeners(() => {
      if (self._server.options.maxClients && self._server.connections.size > self._server.options.maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      const t = setTimeout(() => self.connectionReady(), delay);
      t.unref();
    });
  }
}

/** smtp-server whose sessions are {@link RecapitoSmtpConnection}s. */
export class RecapitoSmtpServer extends SMTPServer {
  /** Pause before the greeting (early-talker detection); see RecapitoSmtpConnection.init. */
  greetingDelayMs = 100;

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    // SMTP is a dialogue of short lines: without TCP_NODELAY, Nagle's algorithm and delayed ACKs
    // hold each reply for tens of milliseconds.
    socket.setNoDelay(true);
    // Same wiring as the library's own connect(), with our session class.
    const connection = new RecapitoSmtpConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: Parameters<SMTPServer['_onClientConnect']>[0]) => this._onClientConnect(data));
    connection.init();
  }

  /** Sends a reply to every open session that `keep` does not protect, then closes it. */
  closeSessions(keep: (sessionId: string) => boolean, reply = SMTP_REPLIES.shuttingDown): void {
    for (const connection of [...this.connections]) {
      if (keep(connection.session.id)) continue;
      connection.send(reply.code, formatReplyText(reply), false);
      connection.close();
    }
  }
}
