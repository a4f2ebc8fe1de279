/**
 * The general IMAP session of the migration engine, over imapflow: capabilities, the folder
 * list (LIST with special-use attributes, names decoded from modified UTF-7), CREATE and
 * QUOTA. Messages move over the data path (raw/data-session.ts), which also lists them; the
 * shapes below are shared by both.
 */
import type { ImapFlow } from 'imapflow';
import type { SourceFolder } from '../folders.ts';
import { commandError } from './failure.ts';

/** Metadata of a source message (raw/data-session.ts `listMessages`). */
export interface SourceMessage {
  readonly uid: number;
  /** RFC822.SIZE. */
  readonly size: number;
  /** Persistent flags and keywords; \Recent is left out (session-bound, RFC 3501 §2.3.2). */
  readonly flags: string[];
  readonly internalDate: Date;
  /** Message-ID header, unfolded and trimmed; null when absent or empty. */
  readonly messageId: string | null;
}

export interface MailboxState { readonly uidValidity: number; readonly uidNext: number; readonly exists: number }
export interface AppendResult {
  /** From APPENDUID; null when the server lacks UIDPLUS. */
  readonly uid: number | null;
  readonly uidValidity: number | null;
  /** Flags not sent because the folder's PERMANENTFLAGS do not allow them (or \Recent). */
  readonly droppedFlags: string[];
}
export interface QuotaUsage { readonly usedBytes: number; readonly limitBytes: number }

export class ImapEndpoint {
  readonly #client: ImapFlow;

  constructor(client: ImapFlow) {
    this.#client = client;
  }

  /** The capabilities of the authenticated session, upper-case (RFC 3501 §7.2.1). */
  capabilities(): Set<string> {
    return new Set([...this.#client.capabilities.keys()].map((c) => c.toUpperCase()));
  }

  /** Whether the session is encrypted (always for imaps; for imap, when STARTTLS succeeded). */
  get secure(): boolean {
    return this.#client.secureConnection;
  }

  /** LOGOUT, or drop the socket when the server does not answer. */
  async close(): Promise<void> {
    try {
      await this.#client.logout();
    } catch {
      this.#client.close();
    }
  }

  /** LIST "" "*": names decoded from modified UTF-7 (RFC 3501 §5.1.3) by imapflow. */
  async listFolders(): Promise<SourceFolder[]> {
    const list = await this.#run('LIST', () => this.#client.list());
    return list.map((f) => {
      const attributes = [...f.flags];
      // imapflow also guesses uses from names; only uses the server declared count (RFC 6154).
      if (f.specialUse && f.specialUseSource === 'extension' && !attributes.includes(f.specialUse)) attributes.push(f.specialUse);
      return { name: f.path, delimiter: f.delimiter || null, attributes };
    });
  }

  /** CREATE; a folder that already exists is not an error. */
  async createFolder(name: string): Promise<void> {
    try {
      await this.#client.mailboxCreate(name);
    } catch (err) {
      // imapflow already swallows [ALREADYEXISTS] (RFC 5530); servers without response codes
      // answer a bare NO, so ask whether the folder is there before failing.
      const exists = await this.#client.status(name, { messages: true }).then(() => true, () => false);
      if (!exists) throw commandError(err, `CREATE ${name}`);
    }
  }

  /** GETQUOTAROOT INBOX (RFC 9208 §4.1.2) storage in bytes; null without QUOTA or a storage limit. */
  async quota(): Promise<QuotaUsage | null> {
    if (!this.capabilities().has('QUOTA')) return null;
    const q = await this.#run('GETQUOTAROOT INBOX', () => this.#client.getQuota('INBOX'));
    if (!q || !q.storage) return null;
    // The type declarations say `used`, the library fills `usage`: accept either.
    const s = q.storage as { used?: number; usage?: number; limit?: number };
    const used = s.usage ?? s.used;
    if (used === undefined || s.limit === undefined) return null;
    return { usedBytes: used, limitBytes: s.limit };
  }

  async #run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw commandError(err, what);
    }
  }
}
