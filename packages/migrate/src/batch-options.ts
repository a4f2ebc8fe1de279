/**
 * The cells of a batch row that are not URLs: credentials references and per-row options.
 * Values that might be secrets are never quoted back in messages.
 */
import { hasControl, MigrateError, MIGRATE_ERRORS, replaceControls } from './errors.ts';
import { validateFolderRule, type FolderRule } from './folders.ts';

/** Where to read a password: never the password itself. */
export type CredentialRef = { readonly kind: 'env'; readonly name: string } | { readonly kind: 'file'; readonly path: string };

/** Options of one row; only known keys exist. */
export interface BatchOptions {
  /** `include=` / `exclude=` in the order written (last match wins). */
  readonly rules: readonly FolderRule[];
  /** `mark=`: IMAP keyword set on every copied message (RFC 3501 §2.3.2), e.g. `$Migrated`. */
  readonly mark?: string;
  /** `under=`: destination folder holding the whole copied tree. */
  readonly underFolder?: string;
  readonly sourcePrefix?: string;
  readonly destPrefix?: string;
}

/** `env:NAME` or a path (absolute, `./`, `../`, `~/`, `C:\`); anything else may be a password. */
export function parseCredentialRef(value: string): CredentialRef {
  if (hasControl(value)) throw new MigrateError('BATCH_CREDENTIALS_INVALID', 'control characters');
  if (/^env:/i.test(value)) {
    const name = value.slice(4);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new MigrateError('BATCH_CREDENTIALS_INVALID', 'env: needs a variable name of letters, digits and "_"');
    return { kind: 'env', name };
  }
  if (value.length <= 4096 && /^(\/|\.\.?[/\\]|~[/\\]|[A-Za-z]:[/\\]|\\\\)./.test(value)) return { kind: 'file', path: value };
  throw new MigrateError('BATCH_CREDENTIALS_INVALID', 'neither env:NAME nor a file path');
}

/** RFC 3501 §9 atom: no specials, controls or space; a keyword may not start with "\" (system flags). */
const KEYWORD = /^[^\s(){%*"\\\]\u007f-\uffff]{1,200}$/; // controls are refused before

/** Whether `s` can be an IMAP keyword (RFC 3501 §9 flag-keyword), e.g. `$Migrated`. */
export function isImapKeyword(s: string): boolean {
  return !hasControl(s) && KEYWORD.test(s);
}

/** Parses `key=value;key=value`; returns undefined (after reporting) when anything is wrong. */
export function parseOptions(text: string, report: (message: string) => void): BatchOptions | undefined {
  const rules: FolderRule[] = [];
  const single: Record<string, string> = {};
  let ok = true;
  const fail = (detail: string): void => { ok = false; report(`${MIGRATE_ERRORS.BATCH_OPTION_INVALID} (${detail})`); };
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (eq < 0 || value === '') { fail(`"${clip(key)}" needs a value`); continue; }
    if (hasControl(value)) { fail(`control characters in ${clip(key)}`); continue; }
    if (key === 'include' || key === 'exclude') {
      try { validateFolderRule({ action: key, pattern: value }); rules.push({ action: key, pattern: value }); } catch (err) {
        if (!(err instanceof MigrateError)) throw err;
        fail(`${key}: ${err.message}`);
      }
    } else if (key === 'mark' || key === 'under' || key === 'source-prefix' || key === 'dest-prefix') {
      if (key in single) fail(`${key} given twice`);
      else if (key === 'mark' && !KEYWORD.test(value)) fail('mark must be an IMAP keyword such as $Migrated (ASCII, no spaces or ( ) { % * " \\ ])');
      else single[key] = value;
    } else fail(`unknown key "${clip(key)}"`);
  }
  if (!ok) return undefined;
  return {
    rules,
    ...(single.mark !== undefined ? { mark: single.mark } : {}),
    ...(single.under !== undefined ? { underFolder: single.under } : {}),
    ...(single['source-prefix'] !== undefined ? { sourcePrefix: single['source-prefix'] } : {}),
    ...(single['dest-prefix'] !== undefined ? { destPrefix: single['dest-prefix'] } : {}),
  };
}

/** Shortens text quoted back in a message (a huge cell must not flood the terminal). */
export function clip(s: string): string {
  const clean = replaceControls(s, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
