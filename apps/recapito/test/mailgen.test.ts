/**
 * The migration tests' own tools, checked against a real server: a generated mailbox uploaded
 * to a private Dovecot reads back identical through the independent reader (imap_dump.py), and
 * the comparison notices a lost message and an added duplicate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dovecotAvailable, startDovecot } from './interop/dovecot.ts';
import { compareMailboxes, dumpMailbox, summary } from './support/mailbox-compare.ts';
import { generateMailbox, openImap, uploadMailbox } from './support/mailgen.ts';

const USER = 'utente@pec.example.test';
const PASSWORD = 'Prova.Mailgen-2026';

test('generated mailbox: upload, independent dump, multiset comparison', { timeout: 60_000 }, async (t) => {
  if (!dovecotAvailable()) {
    t.skip('dovecot (dovecot-imapd) is not installed: no server to upload to');
    return;
  }
  const messages = generateMailbox({ seed: 11, messages: 200, targetBytes: 8e6 });
  const again = generateMailbox({ seed: 11, messages: 200, targetBytes: 8e6 });
  assert.deepEqual(again.map((m) => [m.folder, m.sha256, m.flags, m.internalDate.getTime()]),
    messages.map((m) => [m.folder, m.sha256, m.flags, m.internalDate.getTime()]), 'same seed, same mailbox');
  assert.ok(messages.some((m) => m.folder === 'Clienti/Società Rossi') && messages.some((m) => m.folder === 'Clienti/Bianchi & Figli'));
  assert.ok(messages.every((m) => !/(^|[^\r])\n/.test(m.raw.toString('latin1'))), 'CRLF line ends only');

  const dovecot = await startDovecot({ users: [USER], password: PASSWORD });
  try {
    const target = { host: dovecot.host, port: dovecot.ports.imap, user: USER, password: PASSWORD, caFile: dovecot.caFile };
    const started = Date.now();
    await uploadMailbox(target, messages);
    t.diagnostic(`uploaded ${messages.length} messages, ${(messages.reduce((s, m) => s + m.raw.length, 0) / 1e6).toFixed(1)} MB in ${Date.now() - started} ms`);

    const dump = await dumpMailbox({ ...target, tls: 'starttls' });
    const same = compareMailboxes(messages, dump);
    assert.ok(same.ok, `${summary(same)}\n${same.details.join('\n')}`);
    assert.equal(same.identical, messages.length);

    // One message gone, one copy too many: exactly what the multiset comparison must see.
    const client = await openImap(target);
    try {
      const inbox = messages.filter((m) => m.folder === 'INBOX');
      const lock = await client.getMailboxLock('INBOX');
      try {
        const first = dump.folders['INBOX']![0]!;
        await client.messageDelete(String(first.uid), { uid: true });
        const other = inbox.find((m) => m.sha256 !== first.sha256)!;
        await client.append('INBOX', other.raw, other.flags, other.internalDate);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    const changed = compareMailboxes(messages, await dumpMailbox({ ...target, tls: 'starttls' }));
    assert.deepEqual([changed.missing, changed.duplicated, changed.altered, changed.extra], [1, 1, 0, 0], `${summary(changed)}\n${changed.details.join('\n')}`);
    assert.equal(changed.ok, false);

    // A changed header and a dropped keyword are "altered", with the reason.
    const doctored = structuredClone(dump);
    const e = doctored.folders['INBOX']![1]!;
    e.sha256 = 'x'.repeat(64);
    e.header_names = ['x-tuid', ...e.header_names];
    e.flags = [...e.flags, 'NonJunk'];
    const alt = compareMailboxes(messages, doctored);
    assert.equal(alt.altered, 1, summary(alt));
    assert.deepEqual(Object.keys(alt.reasons).sort(), ['bytes: header x-tuid added', 'keyword NonJunk added']);
  } finally {
    await dovecot.stop();
  }
});
