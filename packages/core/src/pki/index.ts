export * from './errors.ts';
export * from './pem.ts';
export * from './keys.ts';
export * from './issue.ts';
export * from './dev.ts';
