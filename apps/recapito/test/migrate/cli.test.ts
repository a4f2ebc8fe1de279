/**
 * `recapito migrate copy` as users run it, fed hostile or wrong input: every refusal has a
 * precise code and exit status, never a stack trace, and a password never reaches the output.
 * The IMAP server is Recapito's own listener (memory backend, self-signed certificate) in this
 * process, so the CLI runs as an asynchronous child.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { migrateCli, type CliResult } from './support.ts';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImapListener } from '../../../../packages/imap/src/index.ts';
import { memoryBackend, memoryUser } from '../../../../packages/imap/test/memory-backend.ts';
import { tlsMaterial } from '../../../../packages/smtp/test/helpers.ts';
import { DataSession, parseEndpoint } from '../../../../packages/migrate/src/index.ts';
import { freePort } from '../support/two-providers.ts';

const dir = mkdtempSync(join(tmpdir(), 'recapito-migrate-cli-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const SRC = 'vecchia@pec.example.test';
const DST = 'nuova@pec.example.test';
const PASSWORD = 'Giusta.Pw-2026';
const WRONG = 'Sbagliata-Xq7v9';

type Result = CliResult;

const cli = (args: string[], env: Record<string, string> = {}, timeoutMs = 60000): Promise<Result> => migrateCli(args, env, undefined, timeoutMs);

/** No stack frame anywhere: errors are one line with a code. */
function noStack(r: Result): void {
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /^\s+at /m, `stack trace on stdout:\n${r.stdout}`);
}

/** `recapito: <message> [CODE]` on stderr, the given exit status, no stack trace. */
function refused(r: Result, exit: number, code: string): void {
  assert.equal(r.code, exit, `exit ${r.code}, stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^recapito: .*\\[${code}\\]$`, 'm'), r.stderr);
  noStack(r);
}

let state = 0;
/** A fresh --state folder for every run: never the user's default state folder. */
const common = (): string[] => ['--state', join(dir, `state-${++state}`), '--no-progress'];
const url = (user: string, port: number): string => `imaps://${encodeURIComponent(user)}@127.0.0.1:${port}`;

let port = 0;
let certFile = '';
let close: (() => Promise<void>) | undefined;

before(async () => {
  const { key, cert, certPath } = tlsMaterial();
  certFile = certPath;
  const backend = memoryBackend({ [SRC]: memoryUser(PASSWORD), [DST]: memoryUser(PASSWORD) });
  const listener = createImapListener({ mode: 'imaps', tls: { key, cert }, hostname: 'imap.test.example', backend });
  port = (await listener.listen(0, '127.0.0.1')).port;
  close = () => listener.close();
});

after(async () => { await close?.(); });

test('a URL with a password is refused (URL_HAS_PASSWORD) and the password is never echoed', async () => {
  const r = await cli(['migrate', 'copy', '--from', 'imaps://u:secret@127.0.0.1:993', '--to', 'imaps://v@127.0.0.1:993', ...common()],
    { RECAPITO_FROM_PASSWORD: 'x', RECAPITO_TO_PASSWORD: 'y' });
  refused(r, 2, 'URL_HAS_PASSWORD');
  assert.ok(!(r.stdout + r.stderr).includes('secret'), 'the password from the URL is echoed');
  // The same on the destination side.
  const to = await cli(['migrate', 'copy', '--from', 'imaps://u@127.0.0.1:993', '--to', 'imaps://v:secret@127.0.0.1:993', ...common()]);
  refused(to, 2, 'URL_HAS_PASSWORD');
  assert.match(to.stderr, /--to/);
  assert.ok(!(to.stdout + to.stderr).includes('secret'));
});

test('an unsupported scheme and a missing --to are usage errors', async () => {
  const pop = await cli(['migrate', 'copy', '--from', 'pop3://u@127.0.0.1:110', '--to', 'imaps://v@127.0.0.1:993', ...common()]);
  refused(pop, 2, 'URL_SCHEME_UNSUPPORTED');
  assert.match(pop.stderr, /--from/);
  const noTo = await cli(['migrate', 'copy', '--from', 'imaps://u@127.0.0.1:993', ...common()]);
  assert.equal(noTo.code, 2, noTo.stderr);
  assert.match(noTo.stderr, /--to/);
  noStack(noTo);
});

test('no password anywhere, stdin not a terminal: PASSWORD_MISSING, no prompt waiting forever', async () => {
  const r = await cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, ...common()]);
  refused(r, 2, 'PASSWORD_MISSING');
  assert.match(r.stderr, /RECAPITO_FROM_PASSWORD/);
  // Only the destination's is missing: the message names that side.
  const to = await cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, ...common()], { RECAPITO_FROM_PASSWORD: PASSWORD });
  refused(to, 2, 'PASSWORD_MISSING');
  assert.match(to.stderr, /RECAPITO_TO_PASSWORD/);
  assert.ok(!to.stderr.includes(PASSWORD));
});

test('an unreadable password file: FILE_UNREADABLE', async () => {
  const folder = join(dir, 'not-a-file');
  mkdirSync(folder, { recursive: true });
  const results = await Promise.all([folder, join(dir, 'does-not-exist.pw')].map((file) =>
    cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--from-password-file', file, ...common()], { RECAPITO_TO_PASSWORD: PASSWORD })));
  for (const r of results) refused(r, 2, 'FILE_UNREADABLE');
});

test('bad --connections and --mark values are usage errors', async () => {
  const env = { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: PASSWORD };
  const cases = [['--connections', '0'], ['--connections', 'abc'], ['--connections', '-3'], ['--mark', 'bad keyword'], ['--mark', '\\Seen']];
  const results = await Promise.all(cases.map((bad) => cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, ...bad, ...common()], env)));
  results.forEach((r, i) => {
    refused(r, 2, 'USAGE');
    assert.match(r.stderr, new RegExp(cases[i]![0]!), `${cases[i]!.join(' ')}: ${r.stderr}`);
  });
});

test('a wrong password: exit 3, AUTH_FAILED in the text and JSON reports, the password never shown', async () => {
  const pwFile = join(dir, 'wrong.pw');
  writeFileSync(pwFile, `${WRONG}\n`, { mode: 0o600 });
  const args = ['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, '--from-password-file', pwFile];
  const text = await cli([...args, ...common()], { RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(text.code, 3, text.stderr);
  noStack(text);
  assert.match(text.stdout, /errore \/ error \[AUTH_FAILED\]/);
  assert.match(text.stdout, /fallita \/ failure.*\(exit 3\)/);
  assert.ok(!(text.stdout + text.stderr).includes(WRONG), 'the wrong password is echoed');
  assert.ok(!(text.stdout + text.stderr).includes(PASSWORD), 'the destination password is echoed');

  const json = await cli([...args, '--json', ...common()], { RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(json.code, 3, json.stderr);
  noStack(json);
  const report = JSON.parse(json.stdout) as { status: string; error?: { code: string }; exitCode: number };
  assert.equal(report.status, 'failure');
  assert.equal(report.error?.code, 'AUTH_FAILED');
  assert.equal(report.exitCode, 3);
  assert.ok(!(json.stdout + json.stderr).includes(WRONG));

  // The wrong password on the destination side (through the environment) is just as secret.
  const dest = await cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, '--json', ...common()],
    { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: WRONG });
  assert.equal(dest.code, 3, dest.stderr);
  assert.equal((JSON.parse(dest.stdout) as { error?: { code: string } }).error?.code, 'AUTH_FAILED');
  assert.ok(!(dest.stdout + dest.stderr).includes(WRONG));
});

test('nothing listening on the port: exit 3, CONNECT_FAILED', async () => {
  const closed = await freePort();
  const r = await cli(['migrate', 'copy', '--from', url(SRC, closed), '--to', url(DST, port), '--ca', certFile, ...common()],
    { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(r.code, 3, r.stderr);
  noStack(r);
  assert.match(r.stdout, /errore \/ error \[CONNECT_FAILED\]/);
  const json = await cli(['migrate', 'copy', '--from', url(SRC, closed), '--to', url(DST, port), '--ca', certFile, '--json', ...common()],
    { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(json.code, 3, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { error?: { code: string } }).error?.code, 'CONNECT_FAILED');
});

test('a self-signed certificate without --insecure or --ca: exit 3, TLS_FAILED; with --insecure the copy runs', async () => {
  const env = { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: PASSWORD };
  const r = await cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--json', ...common()], env);
  assert.equal(r.code, 3, r.stderr);
  noStack(r);
  const report = JSON.parse(r.stdout) as { status: string; error?: { code: string } };
  assert.equal(report.status, 'failure');
  assert.equal(report.error?.code, 'TLS_FAILED');
  const ok = await cli(['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--insecure', '--json', ...common()], env);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { status: string }).status, 'success');
});

test('migrate copy --help shows examples and the exit codes', async () => {
  const r = await cli(['migrate', 'copy', '--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--from-password-file/);
  assert.match(r.stdout, /Exit codes: 0 success,\s+1 partial.*2 usage, 3 failure/s);
  const batch = await cli(['migrate', 'batch', '--help']);
  assert.equal(batch.code, 0, batch.stderr);
  assert.match(batch.stdout, /sorgente;destinazione;credenziali/);
  assert.match(batch.stdout, /Exit codes: 0 all copied/);
});

test('without --state the job lives in the user state folder: the same command run again copies nothing', async () => {
  const source = await DataSession.open(parseEndpoint(url(SRC, port)), PASSWORD, { insecure: true });
  for (let i = 0; i < 3; i++) await source.append('INBOX', [{ bytes: Buffer.from(`Subject: ${i}\r\n\r\nCorpo ${i}\r\n`), flags: ['\\Seen'], internalDate: new Date(Date.UTC(2021, 0, 1 + i)) }]);
  await source.close();
  const stateHome = join(dir, 'xdg-state');
  const env = { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: PASSWORD, XDG_STATE_HOME: stateHome };
  const args = ['migrate', 'copy', '--from', url(SRC, port), '--to', url(DST, port), '--ca', certFile, '--json', '--no-progress', '--under', 'Default-state'];
  const first = await cli(args, env);
  assert.equal(first.code, 0, first.stderr);
  const again = await cli(args, env);
  assert.equal(again.code, 0, again.stderr);
  const totals = (s: string): { copied: number; skipped: number } => (JSON.parse(s) as { totals: { copied: number; skipped: number } }).totals;
  assert.ok(totals(first.stdout).copied >= 3);
  assert.equal(totals(again.stdout).copied, 0, 'resumed from the state folder');
  assert.equal(totals(again.stdout).skipped, totals(first.stdout).copied);
  assert.ok(existsSync(join(stateHome, 'recapito', 'migrate', 'recapito.sqlite')), 'the embedded store is in XDG_STATE_HOME/recapito/migrate');
});

test('a batch file with a header and no mailbox rows is refused (BATCH_FILE_INVALID), nothing is started', async () => {
  const file = join(dir, 'vuoto.csv');
  writeFileSync(file, 'sorgente;destinazione;credenziali\n');
  const r = await cli(['migrate', 'batch', file, ...common()]);
  refused(r, 2, 'BATCH_FILE_INVALID');
  assert.match(r.stderr, /no mailbox/);
});
