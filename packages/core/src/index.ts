// Public surface of @recapito/core. Each area keeps its own folder; export its API here.
export * from './errors.ts';
export * from './clock.ts';
export * from './mime/index.ts';
