import type { PasswordViolationCode } from './policy.ts';

/** One-line descriptions of the password rules, for docs/errors.md (users see the it/en texts). */
export const PASSWORD_ERROR_DESCRIPTIONS: Readonly<Record<PasswordViolationCode | 'PASSWORD_POLICY_INVALID', string>> = {
  PASSWORD_TOO_SHORT: 'Fewer than 8 characters (or the configured minimum).',
  PASSWORD_TOO_LONG: 'More than 128 characters (or the configured maximum).',
  PASSWORD_NO_UPPER: 'No upper-case letter A–Z.',
  PASSWORD_NO_LOWER: 'No lower-case letter a–z.',
  PASSWORD_NO_DIGIT: 'No digit 0–9.',
  PASSWORD_NO_SPECIAL: 'No special character from the allowed set.',
  PASSWORD_REPEATED_CHARS: 'More than two identical characters in a row.',
  PASSWORD_FORBIDDEN_CHAR: 'A character outside letters A–Z/a–z, digits and the allowed specials.',
  PASSWORD_POLICY_INVALID: 'The policy options themselves are inconsistent (configuration error).',
};
