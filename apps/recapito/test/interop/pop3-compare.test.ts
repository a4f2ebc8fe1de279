/**
 * One scripted poplib session (clients/pop3_session.py: CAPA, USER/PASS, AUTH PLAIN, STAT, LIST,
 * UIDL, TOP, RETR, DELE, RSET, NOOP, QUIT over POP3S, and STLS on the plain port; messages put
 * there over IMAP) against Dovecot and against Recapito: each passes the script's own checks,
 * and the two normalized transcripts are equal apart from the differences in differences.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POP3_DIFFERENCES } from './differences.ts';
import { compareTranscripts, eachTarget, python, type Transcript } from './harness.ts';

const transcripts = new Map<string, Transcript>();

eachTarget('poplib session covers every command', async (t, target) => {
  const out = await python('pop3_session.py', target, ['--pop3-port', String(target.ports.pop3), '--pop3s-port', String(target.ports.pop3s)]);
  const transcript = JSON.parse(out) as Transcript;
  transcripts.set(target.name, transcript);
  if (process.env['RECAPITO_KEEP_INTEROP']) {
    const file = join(tmpdir(), `recapito-interop-pop3-${target.name}.json`);
    await writeFile(file, JSON.stringify(transcript, null, 1));
    t.diagnostic(`transcript in ${file}`);
  }
  t.diagnostic(`${transcript.steps.length} steps; CAPA: ${JSON.stringify(transcript.info['capa'])}`);
  assert.deepEqual(transcript.failures, [], `${target.name} failed the script's own checks`);
  assert.ok(transcript.steps.length > 40, `only ${transcript.steps.length} steps`);
});

test('poplib transcripts: Recapito equals Dovecot apart from documented differences', (t) => {
  const reference = transcripts.get('dovecot');
  const other = transcripts.get('recapito');
  if (!reference || !other) {
    t.skip('needs both transcripts (a target was skipped or failed)');
    return;
  }
  const { diffs, stale } = compareTranscripts(reference, other, POP3_DIFFERENCES);
  for (const d of stale) t.diagnostic(`documented difference no longer differs: ${d.step}${d.field ? `.${d.field}` : ''} (${d.reason})`);
  assert.equal(diffs.length, 0, `${diffs.length} undocumented differences (Dovecot = reference):\n${diffs.join('\n')}`);
});
