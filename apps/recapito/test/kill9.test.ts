/**
 * Nothing lost, nothing duplicated: 500 certified messages flow from alfa (SQLite) to beta
 * (PostgreSQL) while either provider is killed with SIGKILL at random moments and restarted.
 * Afterwards every accepted message was delivered exactly once to each recipient, and every
 * receipt exists exactly once (the transaction invariants of RFC 6109 as restated in the
 * digest, §1.5), checked over the mailboxes and the message logs of both providers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspectMessage, type Inspection } from '@recapito/core';
import { openStore, type Store } from '@recapito/store';
import { createLab, run, type Lab, type Peer } from './support/two-providers.ts';

const BIN = fileURLToPath(new URL('../bin/recapito.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('./support/kill_client.py', import.meta.url));
const PG = process.env['RECAPITO_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env['RECAPITO_KILL_MESSAGES'] ?? 500);
const schema = `t_kill_${Math.random().toString(36).slice(2, 10)}`;
let lab: Lab | undefined;
const children = new Map<Peer, ChildProcess>();

after(async () => {
  for (const c of children.values()) c.kill('SIGKILL');
  await lab?.stop();
  if (!process.env['RECAPITO_KEEP_LAB']) await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
  else process.stderr.write(`beta schema ${schema}\n`);
});

function serve(p: Peer): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', p.data, '--submission-port', String(p.ports.submission), '--starttls-port', '0', '--smtp-port', String(p.ports.smtp), '--imap-port', '0', '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(p, child);
  // The last lines of the server's log, to say why a start failed.
  let tail = '';
  child.stderr!.on('data', (d) => (tail = (tail + String(d)).slice(-2000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${tail}`)));
  });
}

async function stores(): Promise<[Store, Store]> {
  return [await openStore({ dataDir: lab!.alfa.data }), await openStore({ dataDir: lab!.beta.data, url: `${PG}?schema=${schema}` })];
}

async function inbox(store: Store, address: string, at: Date): Promise<Inspection[]> {
  const m = (await store.accounts.getMailbox(address))!;
  const f = (await store.mailboxes.getFolder(m.id, 'INBOX'))!;
  const out = [];
  for (const x of await store.mailboxes.listMessages(f.id)) out.push(await inspectMessage(await store.blobs.get(x.blobId), { at }));
  return out;
}

test(`kill -9 at random points while ${N} messages flow: every message once, every receipt once`, { timeout: 900_000 }, async () => {
  lab = await createLab({ betaDb: `${PG}?schema=${schema}`, jobs: { leaseMs: 3000, retryBaseMs: 500 } });
  await lab.addMailbox(lab.alfa, 'mittente@pec.alfa.test', '--type', 'massive');
  await lab.addMailbox(lab.beta, 'uno@pec.beta.test', '--quota', '10GB');
  await lab.addMailbox(lab.beta, 'due@pec.beta.test', '--quota', '10GB');
  await serve(lab.alfa);
  await serve(lab.beta);
  const client = run('python3', [CLIENT, '127.0.0.1', String(lab.alfa.ports.submission), lab.ca, 'mittente@pec.alfa.test', lab.passwordFile, 'uno@pec.beta.test,due@pec.beta.test', String(N)], 900_000);
  let done = false;
  void client.then(() => (done = true));
  let kills = 0;
  while (!done) {
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
    if (done) break;
    const victim = Math.random() < 0.5 ? lab.alfa : lab.beta;
    children.get(victim)!.kill('SIGKILL');
    kills++;
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
    await serve(victim);
  }
  const result = await client;
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as { accepted: number[]; resubmitted: number[]; errors: number };
  assert.equal(summary.accepted.length, N);
  assert.ok(kills >= Math.min(3, Math.floor(N / 100)), `only ${kills} kills happened`);

  // Let both providers finish their queues, then stop them cleanly.
  const [sa, sb] = await stores();
  await lab.waitFor('queues drained', async () => (await sa.queue.count(['inbound', 'send'])) === 0 && (await sb.queue.count(['inbound', 'send'])) === 0, Number(process.env['RECAPITO_DRAIN_MS'] ?? 300_000));
  for (const [p, c] of children) {
    c.kill('SIGTERM');
    await new Promise((r) => c.once('exit', r));
    children.delete(p);
  }
  const at = new Date();
  const acceptances = (await sa.log.search({})).filter((e) => e.event === 'accettazione');
  const pecIds = acceptances.map((e) => e.pecMsgId!);
  assert.equal(new Set(pecIds).size, pecIds.length, 'one acceptance per PEC msgid in the log');
  const byClient = new Map<string, string[]>();
  for (const e of acceptances) {
    const c = String(e.details['clientMsgId']);
    byClient.set(c, [...(byClient.get(c) ?? []), e.pecMsgId!]);
  }
  for (const i of summary.accepted) assert.ok(byClient.has(`<kill-${i}@client.test>`), `message ${i} was acknowledged but has no transaction`);
  // A second transaction for a message only where the client resubmitted after a lost reply.
  for (const [c, ids] of byClient) if (ids.length > 1) assert.ok(summary.resubmitted.includes(Number(/kill-(\d+)/.exec(c)![1])), `${c} accepted twice without a resubmission`);

  const sender = await inbox(sa, 'mittente@pec.alfa.test', at);
  const service = await inbox(sa, 'posta-certificata@pec.alfa.test', at);
  const count = (list: Inspection[], pred: (x: Inspection) => boolean): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of list.filter(pred)) m.set(x.pecMsgId!, (m.get(x.pecMsgId!) ?? 0) + 1);
    return m;
  };
  const acc = count(sender, (x) => x.kind === 'accettazione');
  assert.equal(sender.filter((x) => x.kind !== 'accettazione' && x.kind !== 'avvenuta-consegna').length, 0, 'no non-delivery or timeout notices');
  for (const id of pecIds) assert.equal(acc.get(id), 1, `acceptance receipts for ${id}`);
  for (const rcpt of ['uno@pec.beta.test', 'due@pec.beta.test']) {
    const delivered = count(await inbox(sb, rcpt, at), (x) => x.kind === 'posta-certificata');
    const receipts = count(sender, (x) => x.kind === 'avvenuta-consegna' && x.daticert?.consegna === rcpt);
    const taken = count(service, (x) => x.kind === 'presa-in-carico' && x.daticert!.ricezione.includes(rcpt));
    for (const id of pecIds) {
      assert.equal(delivered.get(id), 1, `envelope ${id} in ${rcpt}`);
      assert.equal(receipts.get(id), 1, `delivery receipt ${id} for ${rcpt}`);
      assert.equal(taken.get(id), 1, `take-in-charge ${id} covering ${rcpt}`);
    }
    assert.equal(delivered.size, pecIds.length, `no stray envelopes in ${rcpt}`);
  }
  assert.equal(await sa.log.verifyChain(), undefined);
  assert.equal(await sb.log.verifyChain(), undefined);
  process.stdout.write(`# ${N} messages, ${kills} kills, ${summary.resubmitted.length} resubmissions after a lost reply, ${pecIds.length} transactions\n`);
  await sa.close();
  await sb.close();
});
