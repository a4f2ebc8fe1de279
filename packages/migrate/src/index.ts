// Public surface of @recapito/migrate: groundwork of the migration engine — pure parsing and
// mapping modules, and an IMAP endpoint (src/imap/) over imapflow.
export * from './errors.ts';
export * from './endpoint.ts';
export * from './folders.ts';
export * from './batch-options.ts';
export * from './batch-file.ts';
export * from './imap/connect.ts';
export * from './imap/endpoint.ts';
