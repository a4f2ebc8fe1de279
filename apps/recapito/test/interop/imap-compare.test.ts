/**
 * One scripted imaplib session (clients/imap_session.py: every command of RFC 3501 and of the
 * extensions Recapito offers, over IMAPS and STARTTLS) against Dovecot and against Recapito:
 * each passes the script's own checks, and the two normalized transcripts are equal apart from
 * the differences documented in differences.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAP_DIFFERENCES, normalizeImap } from './differences.ts';
import { compareTranscripts, eachTarget, python, type Transcript } from './harness.ts';

const transcripts = new Map<string, Transcript>();

eachTarget('imaplib session covers every command', async (t, target) => {
  const transcript = JSON.parse(await python('imap_session.py', target)) as Transcript;
  transcripts.set(target.name, transcript);
  if (process.env['RECAPITO_KEEP_INTEROP']) {
    const file = join(tmpdir(), `recapito-interop-imap-${target.name}.json`);
    await writeFile(file, JSON.stringify(transcript, null, 1));
    t.diagnostic(`transcript in ${file}`);
  }
  t.diagnostic(`${transcript.steps.length} steps; capability: ${String(transcript.info['capability'])}`);
  assert.deepEqual(transcript.failures, [], `${target.name} failed the script's own checks`);
  assert.ok(transcript.steps.length > 150, `only ${transcript.steps.length} steps`);
});

test('imaplib transcripts: Recapito equals Dovecot apart from documented differences', (t) => {
  const reference = transcripts.get('dovecot');
  const other = transcripts.get('recapito');
  if (!reference || !other) {
    t.skip('needs both transcripts (a target was skipped or failed)');
    return;
  }
  const norm = (x: Transcript): Transcript => ({ ...x, steps: x.steps.map((s) => normalizeImap(s as never) as never) });
  const { diffs, stale } = compareTranscripts(norm(reference), norm(other), IMAP_DIFFERENCES);
  for (const d of stale) t.diagnostic(`documented difference no longer differs: ${d.step}${d.field ? `.${d.field}` : ''} (${d.reason})`);
  assert.equal(diffs.length, 0, `${diffs.length} undocumented differences (Dovecot = reference):\n${diffs.join('\n')}`);
});
