/**
 * User-facing texts of the password policy, in Italian (the users' language, and the language
 * of the source policy) and English. Each text says what to do, not only what is wrong. No
 * text quotes the password, so a violation can be logged without leaking it.
 */
import type { PasswordViolationCode } from './policy.ts';

/** A text in both languages of the user interface. */
export interface BilingualText {
  readonly it: string;
  readonly en: string;
}

/** Languages of {@link BilingualText}. */
export type PasswordLanguage = keyof BilingualText;

/** Kinds of forbidden characters, named in messages by kind rather than by quoting them. */
export type ForbiddenKind = 'space' | 'tilde' | 'backslash' | 'letter' | 'control' | 'other';

const FORBIDDEN_NAMES: Record<ForbiddenKind, BilingualText> = {
  space: { it: 'spazi', en: 'spaces' },
  tilde: { it: 'il carattere ~ (tilde)', en: 'the ~ (tilde) character' },
  backslash: { it: 'il carattere \\ (barra rovesciata)', en: 'the \\ (backslash) character' },
  letter: { it: 'lettere accentate o non latine (come è, à, ñ)', en: 'accented or non-Latin letters (such as è, à, ñ)' },
  control: { it: 'caratteri di controllo (invisibili)', en: 'control (invisible) characters' },
  other: { it: 'emoji o altri simboli', en: 'emoji or other symbols' },
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The allowed specials spaced out, readable in a sentence. */
function specialsList(specials: string): string {
  return Array.from(specials).join(' ');
}

/** Parameters some messages need. */
export interface MessageParams {
  readonly length: number;
  readonly minLength: number;
  readonly maxLength: number;
  readonly specials: string;
  readonly forbidden: readonly ForbiddenKind[];
}

/** The message of a violation, in both languages. */
export function violationMessage(code: PasswordViolationCode, p: MessageParams): BilingualText {
  switch (code) {
    case 'PASSWORD_TOO_SHORT': {
      if (p.length === 0) {
        return {
          it: `La password è vuota: scegline una di almeno ${p.minLength} caratteri.`,
          en: `The password is empty: choose one of at least ${p.minLength} characters.`,
        };
      }
      const missing = p.minLength - p.length;
      return {
        it: `La password è troppo corta: ha ${plural(p.length, 'carattere', 'caratteri')}, ne servono almeno ${p.minLength}. Aggiungi ancora ${plural(missing, 'carattere', 'caratteri')}.`,
        en: `The password is too short: it has ${plural(p.length, 'character', 'characters')} and needs at least ${p.minLength}. Add ${plural(missing, 'more character', 'more characters')}.`,
      };
    }
    case 'PASSWORD_TOO_LONG':
      return {
        it: `La password è troppo lunga: ha ${p.length} caratteri, il massimo è ${p.maxLength}. Scegline una più corta.`,
        en: `The password is too long: it has ${p.length} characters and the maximum is ${p.maxLength}. Choose a shorter one.`,
      };
    case 'PASSWORD_NO_UPPER':
      return { it: 'Aggiungi almeno una lettera maiuscola (A-Z).', en: 'Add at least one upper-case letter (A-Z).' };
    case 'PASSWORD_NO_LOWER':
      return { it: 'Aggiungi almeno una lettera minuscola (a-z).', en: 'Add at least one lower-case letter (a-z).' };
    case 'PASSWORD_NO_DIGIT':
      return { it: 'Aggiungi almeno una cifra (0-9).', en: 'Add at least one digit (0-9).' };
    case 'PASSWORD_NO_SPECIAL':
      return {
        it: `Aggiungi almeno un carattere speciale scelto tra questi: ${specialsList(p.specials)}`,
        en: `Add at least one special character from this list: ${specialsList(p.specials)}`,
      };
    case 'PASSWORD_REPEATED_CHARS':
      return {
        it: 'Non ripetere lo stesso carattere più di due volte di seguito (come «aaa» o «111»): inserisci un carattere diverso in mezzo.',
        en: 'Do not repeat the same character more than twice in a row (like "aaa" or "111"): put a different character in between.',
      };
    case 'PASSWORD_FORBIDDEN_CHAR': {
      const it = p.forbidden.map((k) => FORBIDDEN_NAMES[k].it).join(', ');
      const en = p.forbidden.map((k) => FORBIDDEN_NAMES[k].en).join(', ');
      return {
        it: `La password contiene caratteri non ammessi: ${it}. Usa solo lettere senza accento (a-z, A-Z), cifre (0-9) e i caratteri speciali ${specialsList(p.specials)}`,
        en: `The password contains characters that are not allowed: ${en}. Use only unaccented letters (a-z, A-Z), digits (0-9) and the special characters ${specialsList(p.specials)}`,
      };
    }
  }
}

/** The rules as lines, for help screens. */
export function ruleLines(lang: PasswordLanguage, p: Pick<MessageParams, 'minLength' | 'maxLength' | 'specials'>): string[] {
  const specials = specialsList(p.specials);
  if (lang === 'it') {
    return [
      'La password deve:',
      `- avere almeno ${p.minLength} caratteri (al massimo ${p.maxLength});`,
      '- contenere almeno una lettera maiuscola e una minuscola (A-Z, a-z);',
      '- contenere almeno una cifra (0-9);',
      `- contenere almeno un carattere speciale tra: ${specials}`,
      '- non avere più di due caratteri uguali consecutivi (per esempio «aaa» non è ammesso);',
      '- contenere solo lettere senza accento, cifre e i caratteri speciali elencati (niente spazi, lettere accentate, ~, \\ o emoji).',
    ];
  }
  return [
    'The password must:',
    `- be at least ${p.minLength} characters long (at most ${p.maxLength});`,
    '- contain at least one upper-case and one lower-case letter (A-Z, a-z);',
    '- contain at least one digit (0-9);',
    `- contain at least one special character from: ${specials}`,
    '- not have more than two identical characters in a row ("aaa", for example, is not allowed);',
    '- contain only unaccented letters, digits and the special characters listed (no spaces, accented letters, ~, \\ or emoji).',
  ];
}
