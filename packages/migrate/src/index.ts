// Public surface of @recapito/migrate, the mailbox migration engine: endpoint URLs, folder
// mapping, batch files, the general IMAP session (imapflow) and the data session of our own
// (src/imap/), and the copy engine (src/copy/).
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
