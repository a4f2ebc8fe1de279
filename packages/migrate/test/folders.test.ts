// Folder mapping: delimiters, prefixes, special uses (attributes and Italian names), rules,
// a separate tree, conflicts and hostile names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch, mapFolders, MigrateError, type FolderMapOptions, type FolderPlan, type SourceFolder } from '../src/index.ts';

const f = (name: string, delimiter: string | null = '/', attributes: string[] = []): SourceFolder => ({ name, delimiter, attributes });
const destOf = (plans: readonly FolderPlan[]): Record<string, string> =>
  Object.fromEntries(plans.map((p) => [p.source, p.kind === 'copy' ? p.dest : `excluded by ${p.rule.pattern}`]));
const map = (folders: SourceFolder[], options?: FolderMapOptions): Record<string, string> => destOf(mapFolders(folders, options).folders);

const destSpecial = { '\\Sent': 'Sent', '\\Drafts': 'Drafts', '\\Trash': 'Trash', '\\Junk': 'Junk', '\\Archive': 'Archive' } as const;

test('delimiter translation and namespace prefixes', () => {
  assert.deepEqual(map([f('Clienti.Rossi.2024', '.'), f('INBOX', '.')]), { 'Clienti.Rossi.2024': 'Clienti/Rossi/2024', INBOX: 'INBOX' });
  assert.deepEqual(map([f('Clienti/Rossi')], { destDelimiter: '.' }), { 'Clienti/Rossi': 'Clienti.Rossi' });
  assert.deepEqual(map([f('Flat name', null)]), { 'Flat name': 'Flat name' });
  const cyrus = [f('INBOX', '.'), f('INBOX.Clienti', '.'), f('INBOX.Clienti.Rossi', '.'), f('Shared.x', '.')];
  assert.deepEqual(map(cyrus, { sourcePrefix: 'INBOX.' }), { INBOX: 'INBOX', 'INBOX.Clienti': 'Clienti', 'INBOX.Clienti.Rossi': 'Clienti/Rossi', 'Shared.x': 'Shared/x' });
  assert.deepEqual(map(cyrus.slice(0, 2), { sourcePrefix: 'INBOX' }), { INBOX: 'INBOX', 'INBOX.Clienti': 'Clienti' }, 'the delimiter is added to the prefix');
  assert.deepEqual(map([f('inbox.Clienti', '.')], { sourcePrefix: 'INBOX.' }), { 'inbox.Clienti': 'Clienti' }, 'INBOX is case-insensitive');
  assert.deepEqual(map([f('INBOX'), f('Clienti')], { destPrefix: 'INBOX', destDelimiter: '.' }), { INBOX: 'INBOX', Clienti: 'INBOX.Clienti' });
  assert.deepEqual(map([f('inbox'), f('Inbox/Sub')]), { inbox: 'INBOX', 'Inbox/Sub': 'INBOX/Sub' });
});

test('special use by attribute (RFC 6154), children follow', () => {
  const r = mapFolders([f('[Gmail]', '/', ['\\Noselect']), f('[Gmail]/Posta inviata', '/', ['\\HasNoChildren', '\\Sent']), f('[Gmail]/Posta inviata/2025'), f('[Gmail]/Cestino', '/', ['\\trash'])], { destSpecialUse: destSpecial });
  assert.deepEqual(destOf(r.folders), { '[Gmail]': '[Gmail]', '[Gmail]/Posta inviata': 'Sent', '[Gmail]/Posta inviata/2025': 'Sent/2025', '[Gmail]/Cestino': 'Trash' });
  const sent = r.folders[1]!;
  assert.ok(sent.kind === 'copy' && sent.specialUse === '\\Sent');
  const gmail = r.folders[0]!;
  assert.ok(gmail.kind === 'copy' && gmail.noselect);
});

test('special use by Italian and English names, case-insensitive, top level only', () => {
  const names = ['Posta inviata', 'INVIATA', 'Sent Items', 'Sent Messages', 'bozze', 'Drafts', 'Cestino', 'Posta eliminata', 'Deleted Items', 'Trash', 'Posta indesiderata', 'SPAM', 'Junk', 'Junk E-mail', 'Archivio', 'archive'];
  const expected = ['Sent', 'Sent', 'Sent', 'Sent', 'Drafts', 'Drafts', 'Trash', 'Trash', 'Trash', 'Trash', 'Junk', 'Junk', 'Junk', 'Junk', 'Archive', 'Archive'];
  names.forEach((n, i) => assert.equal(map([f(n)], { destSpecialUse: destSpecial })[n], expected[i], n));
  assert.deepEqual(map([f('Posta inviata'), f('Posta inviata/2025'), f('Clienti/Bozze')], { destSpecialUse: destSpecial }), {
    'Posta inviata': 'Sent', 'Posta inviata/2025': 'Sent/2025', 'Clienti/Bozze': 'Clienti/Bozze',
  });
  assert.deepEqual(map([f('INBOX.Posta inviata', '.')], { sourcePrefix: 'INBOX.', destSpecialUse: { '\\Sent': 'INBOX.Inviata' }, destDelimiter: '.' }), { 'INBOX.Posta inviata': 'INBOX.Inviata' });
});

test('a declared special use wins over a name; no destination folder keeps the name', () => {
  const r = mapFolders([f('Sent', '/', ['\\Sent']), f('Posta inviata')], { destSpecialUse: destSpecial });
  assert.deepEqual(destOf(r.folders), { Sent: 'Sent', 'Posta inviata': 'Posta inviata' });
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(map([f('Archivio'), f('Archivio/2020')], { destSpecialUse: { '\\Sent': 'Sent' } }), { Archivio: 'Archivio', 'Archivio/2020': 'Archivio/2020' });
});

test('include/exclude rules: in order, last match wins, default include', () => {
  const folders = [f('INBOX'), f('Archivio'), f('Archivio/2020'), f('Archivio/2020/Q1'), f('Archiviazione')];
  const rules = [{ action: 'exclude', pattern: 'Archivio' }, { action: 'exclude', pattern: 'Archivio/*' }] as const;
  assert.deepEqual(map(folders, { rules }), { INBOX: 'INBOX', Archivio: 'excluded by Archivio', 'Archivio/2020': 'excluded by Archivio/*', 'Archivio/2020/Q1': 'excluded by Archivio/*', Archiviazione: 'Archiviazione' });
  const pct = map(folders, { rules: [{ action: 'exclude', pattern: 'Archivio/%' }] });
  assert.equal(pct['Archivio/2020'], 'excluded by Archivio/%');
  assert.equal(pct['Archivio/2020/Q1'], 'Archivio/2020/Q1', '% does not cross the delimiter');
  const only = map(folders, { rules: [{ action: 'exclude', pattern: '*' }, { action: 'include', pattern: 'INBOX' }] });
  assert.deepEqual(Object.values(only).filter((v) => !v.startsWith('excluded')), ['INBOX']);
  // Normalised names: "/" rules work on a "." server with a stripped prefix.
  assert.deepEqual(map([f('INBOX.Archivio.2020', '.')], { sourcePrefix: 'INBOX.', rules: [{ action: 'exclude', pattern: 'Archivio/*' }] }), { 'INBOX.Archivio.2020': 'excluded by Archivio/*' });
  assert.deepEqual(map([f('INBOX.Archivio.2020', '.')], { rules: [{ action: 'exclude', pattern: 'INBOX.Archivio.%' }] }), { 'INBOX.Archivio.2020': 'excluded by INBOX.Archivio.%' });
});

test('virtual folders (\\All, \\Flagged) are left out unless included', () => {
  const r = mapFolders([f('[Gmail]/Tutti i messaggi', '/', ['\\All']), f('[Gmail]/Speciali', '/', ['\\Flagged'])]);
  assert.ok(r.folders.every((p) => p.kind === 'excluded' && p.rule.builtin === true));
  const back = mapFolders([f('[Gmail]/Tutti i messaggi', '/', ['\\All'])], { rules: [{ action: 'include', pattern: '[Gmail]/*' }] });
  assert.equal(back.folders[0]!.kind, 'copy');
});

test('\\Noselect and \\NonExistent folders are kept and marked', () => {
  const r = mapFolders([f('Gruppo', '/', ['\\NoSelect']), f('Vuota', '/', ['\\NonExistent']), f('Piena')]);
  assert.deepEqual(r.folders.map((p) => p.kind === 'copy' && p.noselect), [true, true, false]);
});

test('underFolder: a separate tree, INBOX and special folders included', () => {
  const folders = [f('INBOX'), f('INBOX/Sub'), f('Posta inviata'), f('Clienti')];
  assert.deepEqual(map(folders, { underFolder: 'Migrati', destSpecialUse: destSpecial }), {
    INBOX: 'Migrati/INBOX', 'INBOX/Sub': 'Migrati/INBOX/Sub', 'Posta inviata': 'Migrati/Sent', Clienti: 'Migrati/Clienti',
  });
  assert.deepEqual(map(folders.slice(0, 1).concat(f('Posta inviata')), { underFolder: 'Migrati', destPrefix: 'INBOX.', destDelimiter: '.', destSpecialUse: { '\\Sent': 'INBOX.Sent' } }), {
    INBOX: 'INBOX.Migrati.INBOX', 'Posta inviata': 'INBOX.Migrati.Sent',
  });
});

test('conflicts are reported, not merged', () => {
  const r = mapFolders([f('INBOX.Sent', '.'), f('Sent', '.'), f('inbox', '.'), f('INBOX', '.'), f('Città', '.'), f('Citta\u0300', '.'), f('Altro', '.')], { sourcePrefix: 'INBOX.' });
  assert.deepEqual(r.conflicts, [
    { dest: 'Sent', sources: ['INBOX.Sent', 'Sent'] },
    { dest: 'INBOX', sources: ['inbox', 'INBOX'] },
    { dest: 'Città', sources: ['Città', 'Citta\u0300'] },
  ]);
  const two = mapFolders([f('Sent Items', '/'), f('Posta inviata', '/')], { destSpecialUse: destSpecial });
  assert.deepEqual(two.conflicts, [{ dest: 'Sent', sources: ['Sent Items', 'Posta inviata'] }]);
  const excluded = mapFolders([f('a.b', '.'), f('a/b', '/')], { rules: [{ action: 'exclude', pattern: 'a.b' }] });
  assert.deepEqual(excluded.conflicts, [], 'excluded folders take no destination');
});

test('hostile names: destination delimiter inside, control characters, empty components, odd Unicode', () => {
  const r = mapFolders([f('Fatture 1/2', '.'), f('Riga\r\nA1 LOGOUT', '.'), f('a..b', '.'), f('.nascosta', '.'), f('😀.Ünïcödé\u202e', '.')]);
  assert.deepEqual(destOf(r.folders), { 'Fatture 1/2': 'Fatture 1_2', 'Riga\r\nA1 LOGOUT': 'Riga__A1 LOGOUT', 'a..b': 'a/_/b', '.nascosta': '_/nascosta', '😀.Ünïcödé\u202e': '😀/Ünïcödé\u202e' });
  for (const p of r.folders.slice(0, 4)) assert.ok(p.kind === 'copy' && p.notes.length > 0);
  const big = 'x'.repeat(100_000);
  assert.equal(map([f(big)])[big], big);
});

test('options and rules are validated', () => {
  const bad = (o: FolderMapOptions): void => assert.throws(() => mapFolders([f('a')], o), (e) => e instanceof MigrateError && /FOLDER_/.test(e.code));
  bad({ destDelimiter: '' });
  bad({ destDelimiter: '//' });
  bad({ underFolder: '/Migrati' });
  bad({ underFolder: 'Mig\nrati' });
  bad({ destPrefix: '/' });
  bad({ destSpecialUse: { '\\Sent': '' } });
  bad({ rules: [{ action: 'exclude', pattern: '' }] });
  bad({ rules: [{ action: 'exclude', pattern: 'a\u0000' }] });
  bad({ rules: [{ action: 'exclude', pattern: 'a'.repeat(1001) }] });
  bad({ rules: [{ action: 'drop' as 'exclude', pattern: 'a' }] });
});

test('globMatch: LIST wildcards, no catastrophic backtracking', () => {
  assert.ok(globMatch('*', '', '/'));
  assert.ok(globMatch('a*c', 'abbbc', '/'));
  assert.ok(globMatch('a%c', 'abc', '/'));
  assert.ok(!globMatch('a%c', 'a/c', '/'));
  assert.ok(globMatch('a*c', 'a/c', '/'));
  assert.ok(!globMatch('a', 'A', '/'), 'names are case-sensitive');
  assert.ok(globMatch('*.*', 'a.b', null));
  assert.ok(globMatch('%', 'a.b', null), 'no delimiter: % is *');
  assert.ok(globMatch('😀%', '😀x', '/'));
  assert.ok(!globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(2000), '/'));
});
