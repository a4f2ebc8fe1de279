/**
 * `recapito migrate batch FILE` end to end: two private Dovecots (old and new provider, each
 * with its own self-signed certificate), mailboxes generated and uploaded to the old one, a CSV
 * or XLSX list of mailboxes, and every copy checked by an independent reader (Python imaplib).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { migrateCli, type CliResult } from './support.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { dovecotAvailable, startDovecot, type DovecotInstance } from '../interop/dovecot.ts';
import { compareMailboxes, dumpMailbox, summary, type Dump } from '../support/mailbox-compare.ts';
import { generateMailbox, uploadMailbox, type GeneratedMessage } from '../support/mailgen.ts';

const dir = mkdtempSync(join(tmpdir(), 'recapito-migrate-batch-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Prova.Batch-2026';
const SOURCES = ['alfa@pec.vecchio.test', 'beta@pec.vecchio.test', 'gamma@pec.vecchio.test'];
/** Destinations: one per source for the CSV run, then fresh ones for the other runs. */
const CSV_DEST = ['alfa@pec.nuovo.test', 'beta@pec.nuovo.test', 'gamma@pec.nuovo.test'];
const XLSX_DEST = 'xlsx@pec.nuovo.test';
const BAD_DEST = 'vuota@pec.nuovo.test';
const MISSING_DEST = ['m1@pec.nuovo.test', 'm2@pec.nuovo.test', 'm3@pec.nuovo.test'];
const HEADER = ['sorgente', 'destinazione', 'credenziali', 'opzioni'];
/** The row of the second source leaves out Trash. */
const EXCLUDED = 1;

const skip = dovecotAvailable() ? false : 'dovecot (dovecot-imapd) is not installed: no servers to migrate between';

let src: DovecotInstance | undefined;
let dst: DovecotInstance | undefined;
let ca = '';
const mailboxes: GeneratedMessage[][] = [];

type Result = CliResult;

const cli = (args: string[], env: Record<string, string> = {}, timeoutMs = 120000): Promise<Result> => migrateCli(args, env, undefined, timeoutMs);

const url = (d: DovecotInstance, user: string): string => `imaps://${encodeURIComponent(user)}@127.0.0.1:${d.ports.imaps}`;
/** Each row's password comes from its own variable; the destination's is the same (no destination column). */
const ENV = { PW_ALFA: PASSWORD, PW_BETA: PASSWORD, PW_GAMMA: PASSWORD };
const envRef = (i: number): string => `env:${Object.keys(ENV)[i]!}`;
const rows = (dests: string[]): string[][] =>
  dests.map((d, i) => [url(src!, SOURCES[i]!), url(dst!, d), envRef(i), i === EXCLUDED ? 'exclude=Trash' : '']);
const csv = (cells: string[][]): string => [HEADER, ...cells].map((r) => r.join(';')).join('\r\n') + '\r\n';
const batch = (file: string, state: string, ...more: string[]): string[] =>
  ['migrate', 'batch', file, '--json', '--state', join(dir, state), '--ca', ca, '--no-progress', ...more];

interface Summary { rows: number; success: number; failure: number; partial: number; copied: number; failed: number; verified: number }
interface BatchJson { mailboxes: { source: string; status: string; error?: { code: string; message: string }; excluded: string[] }[]; summary: Summary; exitCode: number }

function parse(r: Result): BatchJson {
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace:\n${r.stderr}`);
  try {
    return JSON.parse(r.stdout) as BatchJson;
  } catch {
    assert.fail(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

const dump = (user: string): Promise<Dump> =>
  dumpMailbox({ host: '127.0.0.1', port: dst!.ports.imaps, user, password: PASSWORD, tls: 'ssl', caFile: dst!.caFile }, { timeoutMs: 60_000 });

/** The destination holds exactly the generated messages (flags, dates, bytes), the mark aside. */
async function assertCopied(user: string, expected: GeneratedMessage[]): Promise<Dump> {
  const d = await dump(user);
  const c = compareMailboxes(expected, d, { ignoreKeywords: ['$Migrated'] });
  assert.ok(c.ok, `${user}: ${summary(c)}\n${c.details.join('\n')}`);
  assert.equal(c.identical, expected.length);
  return d;
}

const count = (d: Dump, folder?: string): number =>
  Object.entries(d.folders).filter(([f]) => folder === undefined || f === folder).reduce((n, [, e]) => n + e.length, 0);

before(async () => {
  if (skip) return;
  [src, dst] = await Promise.all([
    startDovecot({ users: SOURCES, password: PASSWORD }),
    startDovecot({ users: [...CSV_DEST, XLSX_DEST, BAD_DEST, ...MISSING_DEST], password: PASSWORD }),
  ]);
  // One file trusted for both servers: their two self-signed certificates.
  ca = join(dir, 'both-ca.pem');
  writeFileSync(ca, readFileSync(src.caFile, 'utf8') + readFileSync(dst.caFile, 'utf8'));
  // Seeds chosen so that the excluded row's mailbox has mail in Trash (5 of its 40 messages).
  for (const seed of [7001, 7009, 7003]) mailboxes.push(generateMailbox({ seed, messages: 40, targetBytes: 2_000_000 }));
  await Promise.all(SOURCES.map((user, i) =>
    uploadMailbox({ host: '127.0.0.1', port: src!.ports.imap, user, password: PASSWORD, caFile: src!.caFile }, mailboxes[i]!)));
});

after(async () => {
  await Promise.all([src?.stop(), dst?.stop()]);
});

test('a CSV batch copies every mailbox exactly; a row excludes Trash; a second run copies nothing', { skip }, async () => {
  assert.ok(mailboxes[EXCLUDED]!.some((m) => m.folder === 'Trash'), 'the generated mailbox has mail in Trash to leave out');
  const file = join(dir, 'caselle.csv');
  writeFileSync(file, csv(rows(CSV_DEST)));
  const r = await cli(batch(file, 'state-csv'), ENV);
  const out = parse(r);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual({ rows: out.summary.rows, success: out.summary.success, failure: out.summary.failure, partial: out.summary.partial }, { rows: 3, success: 3, failure: 0, partial: 0 });
  const total = mailboxes.reduce((n, m, i) => n + m.filter((x) => i !== EXCLUDED || x.folder !== 'Trash').length, 0);
  assert.equal(out.summary.copied, total);
  assert.equal(out.summary.failed, 0);
  assert.ok(out.mailboxes[EXCLUDED]!.excluded.includes('Trash'), JSON.stringify(out.mailboxes[EXCLUDED]!.excluded));
  assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'a password is in the output');

  for (let i = 0; i < CSV_DEST.length; i++) {
    const expected = mailboxes[i]!.filter((m) => i !== EXCLUDED || m.folder !== 'Trash');
    const d = await assertCopied(CSV_DEST[i]!, expected);
    if (i === EXCLUDED) assert.equal(count(d, 'Trash'), 0, 'Trash was copied despite exclude=Trash');
  }

  const again = await cli(batch(file, 'state-csv'), ENV);
  const second = parse(again);
  assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
  assert.equal(second.summary.success, 3);
  assert.equal(second.summary.copied, 0);
  for (let i = 0; i < CSV_DEST.length; i++) {
    await assertCopied(CSV_DEST[i]!, mailboxes[i]!.filter((m) => i !== EXCLUDED || m.folder !== 'Trash'));
  }
});

test('the same list as an .xlsx workbook gives the same result', { skip }, async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Caselle');
  ws.addRow(HEADER);
  // The excluded row, so the per-row option is read from the spreadsheet too.
  ws.addRow([url(src!, SOURCES[EXCLUDED]!), url(dst!, XLSX_DEST), envRef(EXCLUDED), 'exclude=Trash']);
  const file = join(dir, 'caselle.xlsx');
  await wb.xlsx.writeFile(file);
  const r = await cli(batch(file, 'state-xlsx'), ENV);
  const out = parse(r);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(out.summary.success, 1);
  const expected = mailboxes[EXCLUDED]!.filter((m) => m.folder !== 'Trash');
  assert.equal(out.summary.copied, expected.length);
  const d = await assertCopied(XLSX_DEST, expected);
  assert.equal(count(d, 'Trash'), 0);
});

test('a file with bad rows is refused whole: rows named, password not echoed, nothing copied', { skip }, async () => {
  const literal = 'Segreta.1';
  const file = join(dir, 'sbagliato.csv');
  writeFileSync(file, csv([
    [url(src!, SOURCES[0]!), url(dst!, BAD_DEST), envRef(0), ''], // line 2: fine
    [url(src!, SOURCES[1]!), url(dst!, BAD_DEST), literal, ''], // line 3: a password pasted in
    [`imaps://${encodeURIComponent(SOURCES[2]!)}@127.0.0.1:99999`, url(dst!, BAD_DEST), envRef(2), ''], // line 4: bad port
  ]));
  const r = await cli(batch(file, 'state-bad'), ENV);
  assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(r.stderr, /sbagliato\.csv:3 \(credenziali\): \[BATCH_CREDENTIALS_INVALID\]/);
  assert.match(r.stderr, /sbagliato\.csv:4 \(sorgente\): \[URL_BAD_PORT\]/);
  assert.doesNotMatch(r.stderr, /sbagliato\.csv:2\b/, 'the good row is reported as a problem');
  assert.match(r.stderr, /nothing was copied/);
  assert.ok(!(r.stdout + r.stderr).includes(literal), 'the pasted password is echoed');
  assert.equal(r.stdout, '');
  assert.equal(count(await dump(BAD_DEST)), 0, 'something was copied from a refused file');
});

test('a row whose password variable is missing fails alone (PASSWORD_MISSING); the others succeed: exit 1', { skip }, async () => {
  const file = join(dir, 'manca.csv');
  const cells = rows(MISSING_DEST).map((r) => [...r.slice(0, 3), '']);
  cells[2]![2] = 'env:PW_NON_IMPOSTATA';
  writeFileSync(file, csv(cells));
  const r = await cli(batch(file, 'state-missing'), ENV);
  const out = parse(r);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.equal(out.exitCode, 1);
  assert.deepEqual({ success: out.summary.success, failure: out.summary.failure }, { success: 2, failure: 1 });
  const bad = out.mailboxes[2]!;
  assert.equal(bad.status, 'failure');
  assert.equal(bad.error?.code, 'PASSWORD_MISSING');
  assert.match(bad.error!.message, /PW_NON_IMPOSTATA/);
  assert.match(bad.error!.message, /row 4/);
  await assertCopied(MISSING_DEST[0]!, mailboxes[0]!);
  await assertCopied(MISSING_DEST[1]!, mailboxes[1]!);
  assert.equal(count(await dump(MISSING_DEST[2]!)), 0);

  // The text report says the same, per mailbox and in the closing line.
  const text = await cli(['migrate', 'batch', file, '--state', join(dir, 'state-missing'), '--ca', ca, '--no-progress'], ENV);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /\[PASSWORD_MISSING\]/);
  assert.match(text.stdout, /completate \/ success 2, parziali \/ partial 0, fallite \/ failure 1/);
});
