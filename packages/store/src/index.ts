// Public surface of @recapito/store: the storage ports, their implementation, its errors.
export type * from './ports.ts';
export { openStore, type OpenStoreOptions } from './open.ts';
export { StoreError, STORE_ERRORS, type StoreErrorCode } from './errors.ts';
