/**
 * Login for the mailbox-access protocols (IMAP, POP3): the address is the user name, the
 * password is checked against the scrypt hash. Unknown address, wrong password and ceased
 * mailbox all get the same answer (no account enumeration); only the log tells them apart.
 * The special-use folders every mailbox has are created on first login.
 */
import type { Mailbox, Store } from '@recapito/store';
import { StoreError } from '@recapito/store';
import { verifyPassword } from '../passwords.ts';

/**
 * RFC 6154 folders of every mailbox. English names, as most clients and Dovecot's defaults use,
 * except the archive, named as the seeds' users know it (`Archivio`). See docs/decisions/0008.
 */
export const SPECIAL_FOLDERS: ReadonlyArray<readonly [name: string, use: string]> = [
  ['Sent', '\\Sent'], ['Drafts', '\\Drafts'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archivio', '\\Archive'],
];

export type LoginResult = { ok: true; mailbox: Mailbox } | { ok: false; reason: 'unknown' | 'password' | 'ceased' };

export async function checkLogin(store: Store, user: string, password: string): Promise<LoginResult> {
  const mailbox = await store.accounts.getMailbox(user.trim().toLowerCase());
  if (!mailbox) {
    // Same cost as a real check, so that timing does not reveal which addresses exist.
    await verifyPassword(password, DUMMY_HASH);
    return { ok: false, reason: 'unknown' };
  }
  if (!(await verifyPassword(password, mailbox.passwordHash))) return { ok: false, reason: 'password' };
  if (mailbox.ceasedAt) return { ok: false, reason: 'ceased' };
  return { ok: true, mailbox };
}

/** Creates the missing special-use folders, subscribed (clients that list only subscribed folders see them). */
export async function ensureSpecialFolders(store: Store, mailboxId: number): Promise<void> {
  const existing = new Set((await store.mailboxes.listFolders(mailboxId)).map((f) => f.name));
  if (SPECIAL_FOLDERS.every(([name]) => existing.has(name))) return;
  for (const [name, use] of SPECIAL_FOLDERS) {
    if (existing.has(name)) continue;
    try {
      await store.mailboxes.createFolder(mailboxId, name, use);
      await store.mailboxes.setSubscribed(mailboxId, name, true);
    } catch (e) {
      if (!(e instanceof StoreError && e.code === 'FOLDER_EXISTS')) throw e;
    }
  }
}

/** A valid hash of a random password, parameters as real ones. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
