export * from './errors.ts';
export * from './digest.ts';
export * from './sign.ts';
export * from './verify.ts';
export { SMIME_LIMITS } from './limits.ts';
