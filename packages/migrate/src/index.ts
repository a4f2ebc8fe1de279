// Public surface of @recapito/migrate: pure groundwork of the migration engine (no network, no store).
export * from './errors.ts';
export * from './endpoint.ts';
export * from './folders.ts';
export * from './batch-options.ts';
export * from './batch-file.ts';
