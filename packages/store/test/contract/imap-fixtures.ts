/** Shared fixtures of the IMAP contract tests (imap.ts, imap-load.ts). */
import type { BlobRef, Folder, Mailbox, Store } from '../../src/index.ts';
import { newMailbox } from '../harness.ts';

/** A blob reference for metadata tests (appends do not read the bytes). */
export function ref(n: number, size: number): BlobRef {
  return { id: n.toString(16).padStart(64, '0'), size };
}

export const DATE = new Date('2026-03-04T05:06:07.089Z');

/** A mailbox, its INBOX, and `n` messages of 100 bytes in it (UIDs 1..n). */
export async function setup(s: Store, n: number, quota = 1_000_000): Promise<{ m: Mailbox; inbox: Folder }> {
  const m = await s.accounts.addMailbox(newMailbox('a@x.test', quota));
  for (let i = 0; i < n; i++) await s.mailboxes.append({ mailboxId: m.id, blob: ref(i + 1, 100), internalDate: DATE });
  return { m, inbox: (await s.mailboxes.getFolder(m.id, 'INBOX'))! };
}

