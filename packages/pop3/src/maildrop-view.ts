/**
 * The TRANSACTION-state view of a maildrop (RFC 1939 §5): message numbers fixed at login,
 * messages marked as deleted, and nothing applied until the UPDATE state.
 */
import type { Pop3ErrorCode } from './errors.ts';
import type { Pop3Maildrop, Pop3Message } from './types.ts';

/** A message number resolved, or why not. */
export type Lookup = { ok: true; n: number; message: Pop3Message } | { ok: false; code: Pop3ErrorCode };

/** RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
const UID = /^[\x21-\x7e]{1,70}$/;

/** The first message a POP3 client could not be given (bad uid or size), if any. */
export function invalidMessage(messages: readonly Pop3Message[]): Pop3Message | undefined {
  return messages.find((m) => !UID.test(m.uid) || !Number.isSafeInteger(m.size) || m.size < 0);
}

/** Snapshot of the maildrop with deletion marks. */
export class MaildropView {
  readonly maildrop: Pop3Maildrop;
  readonly #messages: readonly Pop3Message[];
  readonly #deleted = new Set<number>();

  constructor(maildrop: Pop3Maildrop, messages: readonly Pop3Message[]) {
    this.maildrop = maildrop;
    this.#messages = messages;
  }

  /** Resolves a message-number argument (decimal, 1-based, not marked deleted). */
  lookup(arg: string): Lookup {
    if (!/^\d{1,10}$/.test(arg)) return { ok: false, code: 'POP3_SYNTAX' };
    const n = Number(arg);
    const message = this.#messages[n - 1];
    if (n < 1 || !message) return { ok: false, code: 'POP3_NO_SUCH_MESSAGE' };
    if (this.#deleted.has(n)) return { ok: false, code: 'POP3_DELETED' };
    return { ok: true, n, message };
  }

  /** Messages not marked deleted, with their numbers. */
  live(): { n: number; message: Pop3Message }[] {
    const out: { n: number; message: Pop3Message }[] = [];
    this.#messages.forEach((message, i) => {
      if (!this.#deleted.has(i + 1)) out.push({ n: i + 1, message });
    });
    return out;
  }

  /** Count and total octets of the messages not marked deleted (STAT). */
  stat(): { count: number; octets: number } {
    const live = this.live();
    return { count: live.length, octets: live.reduce((s, x) => s + x.message.size, 0) };
  }

  /** Marks a message as deleted (DELE). */
  mark(n: number): void {
    this.#deleted.add(n);
  }

  /** Unmarks every message (RSET). */
  reset(): void {
    this.#deleted.clear();
  }

  /** Ids of the messages marked deleted, for the UPDATE state. */
  deletedUids(): string[] {
    return [...this.#deleted].sort((a, b) => a - b).map((n) => (this.#messages[n - 1] as Pop3Message).uid);
  }
}
