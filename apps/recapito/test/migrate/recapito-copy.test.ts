// Recapito's own IMAP server on both ends of `recapito migrate copy`: a generated mailbox goes
// from Dovecot into a mailbox of a running `recapito serve` (IMAPS), and from there into another
// Dovecot mailbox. The independent reader finds every message identical at each step.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dovecotAvailable } from '../interop/dovecot.ts';
import { createHash } from 'node:crypto';
import { generateMailbox, uploadMailbox, type GeneratedMessage } from '../support/mailgen.ts';
import { compareMailboxes, dumpMailbox, summary } from '../support/mailbox-compare.ts';
import { createLab, PASSWORD } from '../support/two-providers.ts';
import { dovecotPair, DST_USER, migrateCli, parseReport, SRC_USER } from './support.ts';

const skip = !dovecotAvailable() && 'dovecot is not installed (.ci/run installs it)';
const RECAPITO_USER = 'nuova@pec.alfa.test';

test('migrate copy: Dovecot → Recapito (serve, IMAPS) → Dovecot, identical at each step', { skip }, async (t) => {
  const p = await dovecotPair(t);
  const lab = await createLab();
  t.after(() => lab.stop());
  await lab.start(lab.alfa);
  await lab.addMailbox(lab.alfa, RECAPITO_USER);
  const ca = join(p.dir, 'all-ca.pem');
  writeFileSync(ca, readFileSync(p.caFile, 'utf8') + readFileSync(lab.ca, 'utf8'));
  const recapitoUrl = `imaps://${encodeURIComponent(RECAPITO_USER)}@127.0.0.1:${lab.alfa.ports.imaps}`;
  const generated = generateMailbox({ seed: 21, messages: 150, targetBytes: 6e6 });
  // Two real signed PEC messages (the generated ones carry junk signatures): re-verified intact.
  const pec: GeneratedMessage[] = [];
  for (const kind of ['accettazione', 'avvenuta-consegna']) {
    const out = join(p.dir, `${kind}.eml`);
    const built = await migrateCli(['pec', 'build', kind, '--pki', lab.ca.replace(/ca\.pem$/, ''), '--from', 'mittente@pec.alfa.test', '--to', 'destinatario@pec.beta.test', '--subject', `Prova ${kind}`, '--out', out]);
    assert.equal(built.code, 0, built.stderr);
    const raw = readFileSync(out);
    pec.push({ folder: 'INBOX', raw, flags: ['\\Seen'], internalDate: new Date(Date.UTC(2024, 0, 2)), sha256: createHash('sha256').update(raw).digest('hex') });
  }
  const msgs = [...generated, ...pec];
  await uploadMailbox({ host: '127.0.0.1', port: p.src.ports.imap, user: SRC_USER, password: p.src.password }, msgs);

  // Dovecot declares an empty "Archive" (\Archive) that would land on Recapito's "Archivio" with
  // the generated "Archivio": the engine refuses to merge them, and --exclude settles it.
  const base = ['migrate', 'copy', '--ca', ca, '--state', join(p.dir, 'state'), '--json', '--no-progress'];
  const conflict = await migrateCli([...base, '--from', p.url('src'), '--to', recapitoUrl], { RECAPITO_FROM_PASSWORD: p.src.password, RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(conflict.code, 3, conflict.stderr);
  assert.equal(parseReport(conflict.stdout).error?.code, 'FOLDER_CONFLICT');
  assert.match(parseReport(conflict.stdout).error!.message, /Archive \+ Archivio|Archivio \+ Archive/);

  const into = await migrateCli([...base, '--from', p.url('src'), '--to', recapitoUrl, '--exclude', 'Archive'], { RECAPITO_FROM_PASSWORD: p.src.password, RECAPITO_TO_PASSWORD: PASSWORD });
  assert.equal(into.code, 0, into.stderr + into.stdout.slice(0, 2000));
  assert.equal(parseReport(into.stdout).totals.verified, msgs.length);
  const totals = parseReport(into.stdout).totals;
  assert.ok(totals.pecChecked >= 2 && totals.pecIntact === 2, `PEC signatures re-checked on the copies: ${totals.pecIntact}/${totals.pecChecked} intact`);
  const onRecapito = await dumpMailbox({ host: '127.0.0.1', port: lab.alfa.ports.imaps, user: RECAPITO_USER, password: PASSWORD, tls: 'ssl', caFile: ca });
  const c1 = compareMailboxes(msgs, onRecapito, { ignoreKeywords: ['$Migrated'] });
  assert.ok(c1.ok, summary(c1) + '\n' + c1.details.join('\n'));

  const out = await migrateCli([...base, '--from', recapitoUrl, '--to', p.url('dst'), '--no-mark'], { RECAPITO_FROM_PASSWORD: PASSWORD, RECAPITO_TO_PASSWORD: p.dst.password });
  assert.equal(out.code, 0, out.stderr + out.stdout.slice(0, 2000));
  const back = await dumpMailbox({ host: '127.0.0.1', port: p.dst.ports.imap, user: DST_USER, password: p.dst.password, tls: 'starttls', caFile: p.caFile });
  // Special-use mapping: Recapito's "Archivio" (\Archive) lands in Dovecot's \Archive folder.
  const c2 = compareMailboxes(msgs, back, { ignoreKeywords: ['$Migrated'], folderMap: (f) => f.replace(/^Archivio(?=$|\/)/, 'Archive') });
  assert.ok(c2.ok, summary(c2) + '\n' + c2.details.join('\n'));
});
