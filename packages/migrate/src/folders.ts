/**
 * Folder mapping: for each source folder (as IMAP LIST returns it, RFC 3501 §7.2.2, names already
 * decoded from modified UTF-7) the destination name, or the rule that excluded it. Pure: the
 * engine lists both servers, calls {@link mapFolders}, and acts on the plan.
 */
import { hasControl, MigrateError, replaceControls } from './errors.ts';

/** A folder from LIST. `delimiter` is null for a flat namespace (LIST returns NIL). */
export interface SourceFolder {
  readonly name: string;
  readonly delimiter: string | null;
  readonly attributes: readonly string[];
}

/** The special uses that have a natural destination (RFC 6154 §2). */
export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive';
const SPECIAL_USES: readonly SpecialUse[] = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive'];

/** Include or exclude source folders whose name matches `pattern` (`*` anything, `%` anything but the delimiter). */
export interface FolderRule {
  readonly action: 'include' | 'exclude';
  readonly pattern: string;
  /** Set on the rule that leaves out virtual folders; user rules never carry it. */
  readonly builtin?: true;
}

export interface FolderMapOptions {
  /** Destination hierarchy delimiter; default `/`. */
  readonly destDelimiter?: string;
  /** Personal-namespace prefix of the source (RFC 2342), e.g. `INBOX.`; stripped from names. */
  readonly sourcePrefix?: string;
  /** Personal-namespace prefix of the destination, added to every name but INBOX. */
  readonly destPrefix?: string;
  /** The destination's special-use folders, full names as its LIST gives them. */
  readonly destSpecialUse?: Partial<Record<SpecialUse, string>>;
  /** Evaluated in order, last match wins, default include. */
  readonly rules?: readonly FolderRule[];
  /** Puts the whole tree under this folder (INBOX becomes `<under>/INBOX`). */
  readonly underFolder?: string;
}

export type FolderPlan =
  | {
      readonly kind: 'copy';
      readonly source: string;
      readonly dest: string;
      /** \Noselect or \NonExistent (RFC 5258 §3.4): create the folder, copy no messages. */
      readonly noselect: boolean;
      readonly specialUse?: SpecialUse;
      /** Why the name differs beyond delimiter and prefix translation, if it does. */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'excluded'; readonly source: string; readonly rule: FolderRule };

/** Two or more copied source folders with the same destination: the caller decides, nothing is merged. */
export interface FolderConflict {
  readonly dest: string;
  readonly sources: readonly string[];
}

export interface FolderMapping {
  /** One entry per source folder, in the order given. */
  readonly folders: readonly FolderPlan[];
  readonly conflicts: readonly FolderConflict[];
}

/**
 * Common names of special folders, matched case-insensitively on top-level folders only (so
 * `Clienti/Bozze` stays an ordinary folder), and only for a use no source folder declares.
 */
const SPECIAL_NAMES: Record<string, SpecialUse> = {};
for (const [use, names] of [
  ['\\Sent', ['posta inviata', 'inviata', 'inviati', 'elementi inviati', 'sent', 'sent items', 'sent messages', 'sent mail']],
  ['\\Drafts', ['bozze', 'drafts', 'draft']],
  ['\\Trash', ['cestino', 'posta eliminata', 'elementi eliminati', 'deleted items', 'deleted messages', 'trash']],
  ['\\Junk', ['posta indesiderata', 'spam', 'junk', 'junk e-mail', 'junk email']],
  ['\\Archive', ['archivio', 'archive']],
] as const) {
  for (const n of names) SPECIAL_NAMES[n] = use;
}

/**
 * Virtual folders show messages stored elsewhere (RFC 6154 §2: \All, \Flagged): copying them
 * would duplicate mail. Left out by a builtin rule that a later user `include` can override.
 */
const VIRTUAL: Record<string, FolderRule> = {
  '\\all': { action: 'exclude', pattern: '\\All', builtin: true },
  '\\flagged': { action: 'exclude', pattern: '\\Flagged', builtin: true },
};

const MAX_PATTERN = 1000;

/** Throws FOLDER_RULE_INVALID unless the rule is usable. */
export function validateFolderRule(rule: FolderRule): void {
  if (rule.action !== 'include' && rule.action !== 'exclude') throw new MigrateError('FOLDER_RULE_INVALID', 'action must be include or exclude');
  if (typeof rule.pattern !== 'string' || rule.pattern === '') throw new MigrateError('FOLDER_RULE_INVALID', 'empty pattern');
  if (rule.pattern.length > MAX_PATTERN) throw new MigrateError('FOLDER_RULE_INVALID', `pattern longer than ${MAX_PATTERN} characters`);
  if (hasControl(rule.pattern)) throw new MigrateError('FOLDER_RULE_INVALID', 'control characters in pattern');
}

/**
 * LIST-style wildcard match (RFC 3501 §6.3.8): `*` matches anything, `%` anything but `delim`.
 * Dynamic programming over the name, O(pattern × name): no regex, so no catastrophic backtracking.
 */
export function globMatch(pattern: string, name: string, delim: string | null): boolean {
  const p = [...pattern];
  const n = [...name];
  let row = new Array<boolean>(n.length + 1).fill(false);
  row[0] = true;
  for (const pc of p) {
    const next = new Array<boolean>(n.length + 1).fill(false);
    if (pc === '*' || pc === '%') {
      next[0] = row[0]!;
      for (let j = 1; j <= n.length; j++) {
        const canExtend = pc === '*' || n[j - 1] !== delim;
        next[j] = row[j]! || (canExtend && next[j - 1]!);
      }
    } else {
      for (let j = 1; j <= n.length; j++) next[j] = row[j - 1]! && n[j - 1] === pc;
    }
    row = next;
  }
  return row[n.length]!;
}

function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** Removes the namespace prefix (INBOX compared case-insensitively, RFC 3501 §5.1). */
function stripPrefix(name: string, prefix: string, delim: string | null): string {
  if (prefix === '') return name;
  const p = delim && !prefix.endsWith(delim) ? prefix + delim : prefix;
  const head = name.slice(0, p.length);
  const same = /^inbox/i.test(p) ? head.slice(0, 5).toUpperCase() === p.slice(0, 5).toUpperCase() && head.slice(5) === p.slice(5) : head === p;
  return same && name.length > p.length ? name.slice(p.length) : name;
}

/** Computes the destination of every source folder. Throws FOLDER_OPTIONS_INVALID / FOLDER_RULE_INVALID. */
export function mapFolders(source: readonly SourceFolder[], options: FolderMapOptions = {}): FolderMapping {
  const d = options.destDelimiter ?? '/';
  if (d.length !== 1 || hasControl(d)) throw new MigrateError('FOLDER_OPTIONS_INVALID', 'destination delimiter must be one character');
  const rules = options.rules ?? [];
  rules.forEach(validateFolderRule);
  const destPrefix = withDelim(options.destPrefix ?? '', d, 'destination prefix');
  const under = options.underFolder ?? '';
  if (under !== '' && (hasControl(under) || under.startsWith(d) || under.endsWith(d))) {
    throw new MigrateError('FOLDER_OPTIONS_INVALID', 'underFolder must be a folder name without control characters or outer delimiters');
  }
  const destSpecial = options.destSpecialUse ?? {};
  for (const v of Object.values(destSpecial)) {
    if (typeof v !== 'string' || v === '' || hasControl(v)) throw new MigrateError('FOLDER_OPTIONS_INVALID', 'bad destination special-use folder name');
  }

  // Source paths as components, prefix stripped.
  const parts = source.map((f) => splitName(stripPrefix(f.name, options.sourcePrefix ?? '', f.delimiter), f.delimiter));

  // Special folders: declared by attribute anywhere; by name only at top level, for undeclared uses.
  const declared = new Set<SpecialUse>();
  const useOf = source.map((f) => {
    const use = SPECIAL_USES.find((u) => f.attributes.some((a) => a.toLowerCase() === u.toLowerCase()));
    if (use) declared.add(use);
    return use;
  });
  parts.forEach((c, i) => {
    const byName = c.length === 1 ? SPECIAL_NAMES[c[0]!.toLowerCase()] : undefined;
    if (!useOf[i] && byName && !declared.has(byName)) useOf[i] = byName;
  });
  // Path (components joined with NUL, which no name contains once cleaned) → its special use.
  const specialPaths = new Map<string, SpecialUse>();
  parts.forEach((c, i) => {
    if (useOf[i]) specialPaths.set(c.join('\0'), useOf[i]);
  });

  const folders: FolderPlan[] = source.map((f, i) => {
    const comps = parts[i]!;
    const rule = decide(f, comps, rules);
    if (rule && rule.action === 'exclude') return { kind: 'excluded', source: f.name, rule };
    const notes: string[] = [];
    const clean = comps.map((c) => cleanComponent(c, d, notes));

    // The longest special ancestor (or the folder itself) is replaced by the destination's folder.
    let dest: string | undefined;
    let specialUse: SpecialUse | undefined;
    for (let k = comps.length; k >= 1 && dest === undefined; k--) {
      const use = specialPaths.get(comps.slice(0, k).join('\0'));
      const target = use ? destSpecial[use] : undefined;
      if (use && k === comps.length) specialUse = use;
      if (target !== undefined) {
        const base = under === '' ? target : destPrefix + under + d + stripPrefix(target, destPrefix, d);
        dest = [base, ...clean.slice(k)].join(d);
      }
    }
    if (dest === undefined) {
      if (isInbox(clean[0] ?? '')) clean[0] = 'INBOX';
      const path = clean.join(d);
      if (under !== '') dest = destPrefix + under + d + path;
      else dest = path === 'INBOX' ? 'INBOX' : destPrefix + path;
    }
    const noselect = f.attributes.some((a) => /^\\(noselect|nonexistent)$/i.test(a));
    return { kind: 'copy', source: f.name, dest, noselect, ...(specialUse ? { specialUse } : {}), notes };
  });

  return { folders, conflicts: findConflicts(folders, d) };
}

/** Last matching rule, after the builtin rule for virtual folders; undefined when none matched. */
function decide(f: SourceFolder, comps: readonly string[], rules: readonly FolderRule[]): FolderRule | undefined {
  let last: FolderRule | undefined;
  for (const a of f.attributes) last = VIRTUAL[a.toLowerCase()] ?? last;
  // Patterns match the name as listed or as normalised ("/"-separated, prefix stripped), so
  // that `Archivio/*` works on a server whose names are `INBOX.Archivio.2024`.
  const normal = comps.join('/');
  for (const r of rules) {
    if (globMatch(r.pattern, f.name, f.delimiter) || globMatch(r.pattern, normal, '/')) last = r;
  }
  return last;
}

function splitName(name: string, delim: string | null): string[] {
  return delim ? name.split(delim) : [name];
}

/** Makes one component safe as a destination name component, recording why it changed. */
function cleanComponent(c: string, d: string, notes: string[]): string {
  let out = c;
  if (out.includes(d)) {
    out = out.split(d).join('_');
    notes.push(`"${d}" inside a name component replaced by "_" (it is the destination delimiter)`);
  }
  if (hasControl(out)) {
    out = replaceControls(out, '_');
    notes.push('control characters replaced by "_"');
  }
  if (out === '') {
    out = '_';
    notes.push('empty name component (doubled or outer delimiter) replaced by "_"');
  }
  return out;
}

function withDelim(prefix: string, d: string, what: string): string {
  if (prefix === '') return '';
  if (hasControl(prefix) || prefix === d) throw new MigrateError('FOLDER_OPTIONS_INVALID', `bad ${what}`);
  return prefix.endsWith(d) ? prefix : prefix + d;
}

/** Destination names compared as servers do: INBOX in any case is one name; Unicode NFC. */
function findConflicts(folders: readonly FolderPlan[], d: string): FolderConflict[] {
  const byDest = new Map<string, { dest: string; sources: string[] }>();
  for (const f of folders) {
    if (f.kind !== 'copy') continue;
    const [first = '', ...rest] = f.dest.normalize('NFC').split(d);
    const key = [isInbox(first) ? 'INBOX' : first, ...rest].join(d);
    const entry = byDest.get(key);
    if (entry) entry.sources.push(f.source);
    else byDest.set(key, { dest: f.dest, sources: [f.source] });
  }
  return [...byDest.values()].filter((e) => e.sources.length > 1);
}
