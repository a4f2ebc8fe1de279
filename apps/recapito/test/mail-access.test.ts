// Mailbox access on a running provider: a PEC exchange between two providers, then the
// recipient reads it over IMAPS and POP3S with Python's imaplib and poplib. Bytes are the
// stored bytes; the envelope fetched over IMAP still verifies with `openssl smime -verify`;
// `recapito mailbox set --read-only` takes effect on a session already open.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliOut, createLab, originalMessage, run, type Lab } from './support/two-providers.ts';

const SCRIPT = fileURLToPath(new URL('./support/mail_access.py', import.meta.url));
const USER = 'destinatario@pec.beta.test';
let lab: Lab;

before(async () => {
  lab = await createLab();
  await lab.start(lab.alfa);
  await lab.start(lab.beta);
  await lab.addMailbox(lab.alfa, 'mittente@pec.alfa.test');
  await lab.addMailbox(lab.beta, USER);
  const sent = await lab.submit(lab.alfa, 'mittente@pec.alfa.test', [USER], originalMessage('mittente@pec.alfa.test', [USER], { subject: 'Verbale – città' }));
  assert.ok(sent[0]?.ok, JSON.stringify(sent));
  await lab.waitFor('the envelope in the recipient INBOX', async () => (await lab.messages(lab.beta, USER)).length === 1);
});

after(() => lab.stop());

function client(mode: string, port: number, out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('python3', [SCRIPT, mode, '127.0.0.1', String(port), lab.ca, USER, lab.passwordFile, out]);
}

test('IMAPS and POP3S return the stored bytes, and the envelope still verifies', async () => {
  const out = join(lab.dir, 'dump');
  mkdirSync(out, { recursive: true });
  const stored = await lab.messages(lab.beta, USER);
  const imap = await client('imap-dump', lab.beta.ports.imaps, out);
  assert.equal(imap.code, 0, imap.stderr);
  assert.deepEqual(JSON.parse(imap.stdout).uids, [1]);
  const viaImap = readFileSync(join(out, 'imap-1.eml'));
  assert.ok(viaImap.equals(stored[0]!), 'IMAP BODY[] is byte-identical to the stored message');
  const v = await run('openssl', ['smime', '-verify', '-in', join(out, 'imap-1.eml'), '-CAfile', lab.ca, '-out', '/dev/null']);
  assert.equal(v.code, 0, `openssl smime -verify: ${v.stderr}`);

  const pop = await client('pop3-dump', lab.beta.ports.pop3s, out);
  assert.equal(pop.code, 0, pop.stderr);
  const uidl = JSON.parse(pop.stdout).uidl as string[];
  assert.equal(uidl.length, 1);
  assert.match(uidl[0]!, /^[0-9A-F]{16}$/);
  assert.ok(readFileSync(join(out, 'pop3-1.eml')).equals(stored[0]!), 'POP3 RETR is byte-identical');
  const again = await client('pop3-dump', lab.beta.ports.pop3s, out);
  assert.deepEqual(JSON.parse(again.stdout).uidl, uidl, 'UIDL is stable across sessions');

  const exported = await cliOut('mailbox', 'export', USER, '--data', lab.beta.data, '--out', join(out, 'export'));
  assert.equal(exported.code, 0);
});

/**
 * Runs a client mode that logs in, prints "ready" and waits: `between` runs then (e.g. a CLI
 * command), and the client goes on. Returns the client's JSON answers.
 */
async function held<T>(mode: string, port: number, between: () => Promise<void>): Promise<T> {
  const child = spawn('python3', [SCRIPT, mode, '127.0.0.1', String(port), lab.ca, USER, lab.passwordFile, lab.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    if (stdout.includes('ready')) resolve();
  }));
  const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  await ready;
  await between();
  child.stdin.end('go\n');
  assert.equal(await closed, 0, stderr);
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as T;
}

const readOnly = async (on: boolean): Promise<void> => {
  assert.equal((await cliOut('mailbox', 'set', USER, '--data', lab.beta.data, on ? '--read-only' : '--read-write')).code, 0);
};

test('switching a mailbox read-only affects IMAP and POP3 sessions already open', async () => {
  const answers = await held<{ store: [string, string]; fetch: [string, number]; append: [string, string]; signalled: boolean }>(
    'imap-hold', lab.beta.ports.imaps, () => readOnly(true));
  assert.equal(answers.store[0], 'NO');
  assert.match(String(answers.store[1]), /read-only/);
  assert.equal(answers.signalled, true, 'the READ-ONLY response code was sent');
  assert.equal(answers.fetch[0], 'OK');
  assert.ok(Number(answers.fetch[1]) > 1000, 'reading still works');
  assert.equal(answers.append[0], 'NO');
  assert.match(String(answers.append[1]), /read-only/);

  const dele = await client('pop3-dele', lab.beta.ports.pop3s, lab.dir);
  assert.equal(dele.code, 0, dele.stderr);
  assert.match(JSON.parse(dele.stdout).dele, /^-ERR \[SYS\/PERM\]/);
  assert.equal((await lab.messages(lab.beta, USER)).length, 1, 'nothing deleted');

  await readOnly(false);
  // A POP3 session opened while writable, switched read-only before its DELE.
  const pop = await held<{ dele: string; quit: string }>('pop3-hold', lab.beta.ports.pop3s, () => readOnly(true));
  assert.match(pop.dele, /^-ERR \[SYS\/PERM\]/);
  assert.equal((await lab.messages(lab.beta, USER)).length, 1, 'still nothing deleted');

  await readOnly(false);
  const dele2 = await client('pop3-dele', lab.beta.ports.pop3s, lab.dir);
  assert.match(JSON.parse(dele2.stdout).dele, /^\+OK/);
  assert.equal((await lab.messages(lab.beta, USER)).length, 0, 'deleted at QUIT once writable');
});
