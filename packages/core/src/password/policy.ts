/**
 * The mailbox password policy. It follows the policy that PEC providers apply when a mailbox
 * moves between them (documented in the project's source material): at least 8 characters,
 * upper- and lower-case letters, a digit, a special character from a closed set, and no more
 * than two identical consecutive characters. The closed set and ASCII-only letters also keep
 * passwords typeable in every mail client and safe in IMAP/POP3/SMTP AUTH, where some clients
 * mangle non-ASCII or quote-sensitive characters.
 */
import { RecapitoError } from '../errors.ts';
import type { BilingualText, ForbiddenKind, PasswordLanguage } from './messages.ts';
import { ruleLines, violationMessage } from './messages.ts';

/**
 * Special characters accepted, as listed by the source policy: ASCII punctuation except the
 * backslash and the tilde. (The source list prints a stray backslash next to `$` and `-`,
 * which reads as markdown escaping; the backslash is therefore not in the set.)
 */
export const PASSWORD_SPECIAL_CHARACTERS = '!"#$%&\'()*+,-./:;<=>?@[]^_`{|}';

/** Minimum length in Unicode code points (source policy: "Minimo 8 caratteri"). */
export const PASSWORD_MIN_LENGTH = 8;

/** Maximum length in code points: far above any passphrase, bounds the hashing work. */
export const PASSWORD_MAX_LENGTH = 128;

/** Codes of {@link PasswordViolation}. */
export type PasswordViolationCode =
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_NO_UPPER'
  | 'PASSWORD_NO_LOWER'
  | 'PASSWORD_NO_DIGIT'
  | 'PASSWORD_NO_SPECIAL'
  | 'PASSWORD_REPEATED_CHARS'
  | 'PASSWORD_FORBIDDEN_CHAR';

/** One rule the password breaks, with a message in Italian and English. */
export interface PasswordViolation {
  readonly code: PasswordViolationCode;
  readonly message: BilingualText;
}

/** Tunable bounds of the policy. */
export interface PasswordPolicyOptions {
  /** Default {@link PASSWORD_MIN_LENGTH}. */
  minLength?: number;
  /** Default {@link PASSWORD_MAX_LENGTH}. */
  maxLength?: number;
}

const SPECIALS = new Set(Array.from(PASSWORD_SPECIAL_CHARACTERS));

function bounds(opts: PasswordPolicyOptions): { minLength: number; maxLength: number } {
  const minLength = opts.minLength ?? PASSWORD_MIN_LENGTH;
  const maxLength = opts.maxLength ?? PASSWORD_MAX_LENGTH;
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 1 || maxLength < minLength) {
    throw new RecapitoError('PASSWORD_POLICY_INVALID', `invalid password policy bounds: minLength ${minLength}, maxLength ${maxLength}`);
  }
  return { minLength, maxLength };
}

function kindOf(ch: string): ForbiddenKind | undefined {
  if (/^[A-Za-z0-9]$/.test(ch) || SPECIALS.has(ch)) return undefined;
  if (ch === ' ') return 'space';
  if (ch === '~') return 'tilde';
  if (ch === '\\') return 'backslash';
  if (/^\p{L}$/u.test(ch)) return 'letter';
  if (/^[\p{Cc}\p{Cf}\p{Z}]$/u.test(ch)) return /^\p{Z}$/u.test(ch) ? 'space' : 'control';
  return 'other';
}

/**
 * Checks a password against the policy and returns every rule it breaks (empty if none), in a
 * fixed order: length, letters, digit, special, repetitions, forbidden characters. Lengths and
 * repetitions count Unicode code points, so an emoji is one character, as users see it.
 *
 * @throws {RecapitoError} `PASSWORD_POLICY_INVALID` if the options are not sensible bounds.
 */
export function checkPassword(pw: string, opts: PasswordPolicyOptions = {}): PasswordViolation[] {
  const { minLength, maxLength } = bounds(opts);
  const chars = Array.from(pw); // code points; lone surrogates stay single elements
  let upper = false;
  let lower = false;
  let digit = false;
  let special = false;
  let repeated = false;
  const forbidden = new Set<ForbiddenKind>();
  let run = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch >= 'A' && ch <= 'Z') upper = true;
    else if (ch >= 'a' && ch <= 'z') lower = true;
    else if (ch >= '0' && ch <= '9') digit = true;
    else if (SPECIALS.has(ch)) special = true;
    else forbidden.add(kindOf(ch) ?? 'other');
    // Source policy: "non avere più di due caratteri uguali consecutivi". Identical means the
    // same code point: "aA" is not a repetition.
    run = i > 0 && chars[i - 1] === ch ? run + 1 : 1;
    if (run > 2) repeated = true;
  }
  const codes: PasswordViolationCode[] = [];
  if (chars.length < minLength) codes.push('PASSWORD_TOO_SHORT');
  if (chars.length > maxLength) codes.push('PASSWORD_TOO_LONG');
  if (!upper) codes.push('PASSWORD_NO_UPPER');
  if (!lower) codes.push('PASSWORD_NO_LOWER');
  if (!digit) codes.push('PASSWORD_NO_DIGIT');
  if (!special) codes.push('PASSWORD_NO_SPECIAL');
  if (repeated) codes.push('PASSWORD_REPEATED_CHARS');
  if (forbidden.size > 0) codes.push('PASSWORD_FORBIDDEN_CHAR');
  const order: ForbiddenKind[] = ['space', 'letter', 'tilde', 'backslash', 'control', 'other'];
  const params = {
    length: chars.length,
    minLength,
    maxLength,
    specials: PASSWORD_SPECIAL_CHARACTERS,
    forbidden: order.filter((k) => forbidden.has(k)),
  };
  return codes.map((code) => ({ code, message: violationMessage(code, params) }));
}

/** True if the password breaks no rule. */
export function isPasswordAcceptable(pw: string, opts: PasswordPolicyOptions = {}): boolean {
  return checkPassword(pw, opts).length === 0;
}

/** The policy as a short bulleted text in the given language, for help screens. */
export function describePolicy(lang: PasswordLanguage, opts: PasswordPolicyOptions = {}): string {
  return ruleLines(lang, { ...bounds(opts), specials: PASSWORD_SPECIAL_CHARACTERS }).join('\n');
}
