// Public surface of the password policy.
export * from './policy.ts';
export type { BilingualText, PasswordLanguage, ForbiddenKind } from './messages.ts';
export * from './errors.ts';
