export { imapBackend, StoreImapAccount } from './imap-account.ts';
export { pop3Backend } from './pop3-maildrop.ts';
export { SPECIAL_FOLDERS, checkLogin, ensureSpecialFolders } from './login.ts';
