// Public surface of @recapito/migrate: groundwork of the migration engine — pure parsing and
// mapping modules, and an IMAP endpoint (src/imap/) over imapflow.
export * from './errors.ts';
export * from './endpoint.ts';
export * from './folders.ts';
export * from './batch-options.ts';
export * from './batch-file.ts';
export * from './imap/connect.ts';
export * from './imap/endpoint.ts';
export * from './copy/types.ts';
export * from './copy/throttle.ts';
export * from './copy/copy-mailbox.ts';
export { looksLikePec } from './copy/verify-folder.ts';
export * from './batch-xlsx.ts';
export * from './imap/raw/data-session.ts';
