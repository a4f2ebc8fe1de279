/**
 * The POP3 backend over the store: the maildrop is INBOX (RFC 1939 has no folders). UIDL is
 * the UID and the folder's UIDVALIDITY in hex, as Dovecot's `%08Xu%08Xv`: stable forever for a
 * message, and never reused because UIDs are not. DELE in a read-only mailbox is refused by
 * the listener; deletion at QUIT flags \Deleted and expunges exactly those UIDs.
 */
import type { Pop3Backend, Pop3Maildrop, Pop3Message } from '@recapito/pop3';
import type { Store } from '@recapito/store';
import type { Logger } from '../context.ts';
import { checkLogin } from './login.ts';

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

export function pop3Backend(store: Store, logger: Logger): Pop3Backend {
  return {
    async authenticate(user, password, info) {
      const r = await checkLogin(store, user, password);
      if (!r.ok) {
        logger.info({ user, remoteAddress: info.remoteAddress, reason: r.reason }, 'pop3 authentication refused');
        return { ok: false, code: 'AUTH', message: 'invalid credentials' };
      }
      const mailbox = r.mailbox;
      const inbox = await store.mailboxes.getFolder(mailbox.id, 'INBOX');
      if (!inbox) return { ok: false, code: 'SYS/TEMP', message: 'mailbox has no INBOX' };
      const byUidl = new Map<string, { uid: number; blobId: string }>();
      const maildrop: Pop3Maildrop = {
        readOnly: mailbox.readOnly,
        async isReadOnly() {
          const now = await store.accounts.getMailboxById(mailbox.id);
          return !now || now.readOnly || now.ceasedAt !== null;
        },
        async list() {
          const rows = await store.mailboxes.listMessages(inbox.id);
          const out: Pop3Message[] = [];
          for (const m of rows) {
            const uid = `${hex8(m.uid)}${hex8(inbox.uidValidity)}`;
            byUidl.set(uid, { uid: m.uid, blobId: m.blobId });
            out.push({ uid, size: m.size });
          }
          return out;
        },
        async retrieve(uid) {
          const m = byUidl.get(uid);
          if (!m) throw new Error('unknown message');
          return store.blobs.get(m.blobId);
        },
        async delete(uidls) {
          const uids = uidls.map((u) => byUidl.get(u)?.uid).filter((u): u is number => u !== undefined);
          const now = await store.accounts.getMailboxById(mailbox.id);
          if (!now || now.readOnly) throw new Error('the mailbox became read-only: nothing deleted');
          await store.mailboxes.storeFlags(inbox.id, uids, 'add', ['\\Deleted']);
          await store.mailboxes.expunge(inbox.id, uids);
        },
      };
      return { ok: true, maildrop };
    },
  };
}
