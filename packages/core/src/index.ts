// Public surface of @recapito/core. Each area keeps its own folder; export its API here.
export * from './errors.ts';
export * from './clock.ts';
export * from './mime/index.ts';
export * from './pec/index.ts';
export * from './providers-index/index.ts';
export * from './password/index.ts';
export * from './daticert/index.ts';
export * from './time/legal-time.ts';
export * from './smime/index.ts';
export * from './pki/index.ts';
