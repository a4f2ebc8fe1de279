// Nothing lost, nothing twice: `recapito migrate copy` is killed with SIGKILL ten times at random
// points (paced so that the kills land while messages are being appended), then run to the end.
// The independent reader must find every source message exactly once in the destination.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { dovecotAvailable } from '../interop/dovecot.ts';
import { generateMailbox, uploadMailbox } from '../support/mailgen.ts';
import { compareMailboxes, dumpMailbox, summary } from '../support/mailbox-compare.ts';
import { dovecotPair, DST_USER, migrateCli, parseReport, SRC_USER } from './support.ts';

const skip = !dovecotAvailable() && 'dovecot is not installed (.ci/run installs it)';

/** A small seeded generator, so that a failing run can be repeated (the seed is printed). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/**
 * Resolves once the run writes to its identity map (a row updated after `since`): the copy has
 * begun, whatever the start-up took (a cold module cache on a fresh clone takes seconds).
 */
async function whenCopying(stateDir: string, since: number, child: ChildProcess): Promise<boolean> {
  const file = join(stateDir, 'recapito.sqlite');
  while (child.exitCode === null && child.signalCode === null) {
    if (existsSync(file)) {
      try {
        const db = new Database(file, { readonly: true });
        const m = (db.prepare('select max(updated_at) as m from migration_map').get() as { m: number | null }).m;
        db.close();
        if (m !== null && m > since) return true;
      } catch { /* the store is being created */ }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('migrate copy killed 10 times with SIGKILL, then resumed: zero missing, zero duplicated', { skip }, async (t) => {
  const p = await dovecotPair(t);
  const msgs = generateMailbox({ seed: 11, messages: 900, targetBytes: 30e6 });
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);
  const state = `${p.dir}/state`;
  const args = ['migrate', 'copy', '--from', p.url('src'), '--to', p.url('dst'), '--ca', p.caFile, '--state', state, '--json', '--no-progress'];
  const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
  t.diagnostic(`kill seed ${seed} (KILL_SEED=${seed} repeats this run)`);
  const random = prng(seed);
  let hits = 0;
  let windows = 0;
  for (let i = 0; i < 10; i++) {
    // A random point within the first ~1.5 s of copying (paced at 40 messages/s).
    const delay = Math.floor(random() * 1500);
    let alive = false;
    const since = Date.now();
    await migrateCli([...args, '--max-messages-per-second', '40', '--connections', '2'], p.env, (child: ChildProcess) => {
      void whenCopying(state, since, child).then((copying) => {
        if (copying) setTimeout(() => { alive = child.exitCode === null && child.signalCode === null; child.kill('SIGKILL'); }, delay);
      });
    });
    if (alive) hits++;
    if (existsSync(join(state, 'recapito.sqlite'))) {
      const db = new Database(join(state, 'recapito.sqlite'), { readonly: true });
      if ((db.prepare("select count(*) as n from migration_map where state = 'pending'").get() as { n: number }).n > 0) windows++;
      db.close();
    }
  }
  assert.ok(hits >= 8, `the kills must land while the copy runs (${hits} of 10 did)`);
  // At least one kill left messages written ahead and maybe appended, not yet recorded as
  // copied: the window the write-ahead map exists for (counted after each kill, above).
  assert.ok(windows > 0, 'a kill landed between the write-ahead record and the copy record');
  const last = await migrateCli(args, p.env);
  assert.equal(last.code, 0, last.stderr + last.stdout.slice(0, 2000));
  const r = parseReport(last.stdout);
  assert.ok(r.totals.skipped > 0, 'the killed runs had copied part of the mailbox');
  assert.equal(r.totals.verified, msgs.length);
  const dump = await dumpMailbox({ host: '127.0.0.1', port: p.dst.ports.imap, user: DST_USER, password: p.dst.password, tls: 'starttls', caFile: p.caFile });
  const c = compareMailboxes(msgs, dump, { ignoreKeywords: ['$Migrated'] });
  assert.equal(c.missing, 0, summary(c));
  assert.equal(c.duplicated, 0, summary(c));
  assert.equal(c.extra, 0, summary(c));
  assert.ok(c.ok, summary(c) + '\n' + c.details.join('\n'));
});

test('migrate copy stopped with SIGINT: a report that says INTERRUPTED, exit 3, and the next run completes exactly', { skip }, async (t) => {
  const p = await dovecotPair(t);
  const msgs = generateMailbox({ seed: 12, messages: 300, targetBytes: 8e6 });
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);
  const args = ['migrate', 'copy', '--from', p.url('src'), '--to', p.url('dst'), '--ca', p.caFile, '--state', `${p.dir}/state`, '--json'];
  const since = Date.now();
  const stopped = await migrateCli([...args, '--max-messages-per-second', '60'], p.env, (child: ChildProcess) => {
    void whenCopying(`${p.dir}/state`, since, child).then((copying) => { if (copying) setTimeout(() => child.kill('SIGINT'), 1000); });
  });
  assert.equal(stopped.code, 3, stopped.stderr);
  assert.ok(!stopped.stderr.includes(String.fromCharCode(27)), 'no terminal escapes when stderr is not a terminal');
  const report = parseReport(stopped.stdout);
  assert.equal(report.error?.code, 'INTERRUPTED');
  assert.ok(report.totals.copied > 0 && report.totals.copied < msgs.length, `stopped midway (${report.totals.copied} copied)`);
  const rest = await migrateCli(args, p.env);
  assert.equal(rest.code, 0, rest.stderr);
  assert.equal(parseReport(rest.stdout).totals.copied + report.totals.copied, msgs.length, 'the two runs together copied each message once');
  const dump = await dumpMailbox({ host: '127.0.0.1', port: p.dst.ports.imap, user: DST_USER, password: p.dst.password, tls: 'starttls', caFile: p.caFile });
  const c = compareMailboxes(msgs, dump, { ignoreKeywords: ['$Migrated'] });
  assert.ok(c.ok, summary(c));
});
