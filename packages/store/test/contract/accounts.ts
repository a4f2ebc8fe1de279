import assert from 'node:assert/strict';
import { it } from 'node:test';
import { codeOf, newMailbox, withStore, type MakeTarget } from '../harness.ts';

export function accountsContract(make: MakeTarget): void {
  it('adds domains idempotently, lower-case, and answers isLocalDomain', () => withStore(make, async (s) => {
    await s.accounts.addDomain('Pec.Example.IT');
    await s.accounts.addDomain('pec.example.it');
    await s.accounts.addDomain('other.test');
    assert.deepEqual(await s.accounts.listDomains(), ['other.test', 'pec.example.it']);
    assert.equal(await s.accounts.isLocalDomain('PEC.example.it'), true);
    assert.equal(await s.accounts.isLocalDomain('example.it'), false);
    assert.equal(await codeOf(s.accounts.addDomain('a@b')), 'INVALID_INPUT');
  }));

  it('creates a mailbox with its INBOX and round-trips every field', () => withStore(make, async (s) => {
    const created = new Date('2026-03-04T05:06:07.089Z');
    const m = await s.accounts.addMailbox({ ...newMailbox('Mario.Rossi@Pec.Example.IT', 5000), acceptsOrdinaryMail: true });
    assert.equal(m.address, 'mario.rossi@pec.example.it');
    assert.equal(m.domain, 'pec.example.it');
    assert.equal(m.quotaBytes, 5000);
    assert.equal(m.usedBytes, 0);
    assert.equal(m.sendingEnabled, true);
    assert.equal(m.readOnly, false);
    assert.equal(m.acceptsOrdinaryMail, true);
    assert.equal(m.ceasedAt, null);
    assert.equal(m.createdAt.getTime(), created.getTime());
    assert.deepEqual(await s.accounts.getMailbox('MARIO.ROSSI@pec.example.it'), m);
    assert.deepEqual(await s.accounts.getMailboxById(m.id), m);
    assert.equal(await s.accounts.getMailbox('nobody@pec.example.it'), undefined);
    assert.equal(await s.accounts.getMailboxById(m.id + 1000), undefined);
    const folders = await s.mailboxes.listFolders(m.id);
    assert.equal(folders.length, 1);
    assert.equal(folders[0]!.name, 'INBOX');
    assert.equal(folders[0]!.uidNext, 1);
    assert.ok(folders[0]!.uidValidity > 0 && folders[0]!.uidValidity < 2 ** 32);
  }, { now: () => new Date('2026-03-04T05:06:07.089Z') }));

  it('refuses a second mailbox with the same address (any case): MAILBOX_EXISTS', () => withStore(make, async (s) => {
    await s.accounts.addMailbox(newMailbox('a@x.test'));
    assert.equal(await codeOf(s.accounts.addMailbox(newMailbox('A@X.test'))), 'MAILBOX_EXISTS');
    assert.equal((await s.accounts.listMailboxes()).length, 1);
    assert.equal(await codeOf(s.accounts.addMailbox(newMailbox('no-domain'))), 'INVALID_INPUT');
  }));

  it('gives each new INBOX a strictly greater uidValidity, even within one second', () => withStore(make, async (s) => {
    const values: number[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await s.accounts.addMailbox(newMailbox(`u${i}@x.test`));
      values.push((await s.mailboxes.getFolder(m.id, 'INBOX'))!.uidValidity);
    }
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `${values.join(',')}`);
  }, { now: () => new Date('2026-01-01T00:00:00Z') }));

  it('lists mailboxes by domain and updates them with a patch', () => withStore(make, async (s) => {
    await s.accounts.addMailbox(newMailbox('b@one.test'));
    await s.accounts.addMailbox(newMailbox('a@one.test'));
    await s.accounts.addMailbox(newMailbox('c@two.test'));
    assert.deepEqual((await s.accounts.listMailboxes('ONE.test')).map((m) => m.address), ['a@one.test', 'b@one.test']);
    assert.equal((await s.accounts.listMailboxes()).length, 3);

    const ceased = new Date('2027-05-06T07:08:09.123Z');
    const limits = { maxMessageBytes: 1, maxRecipients: 2, maxTotalBytes: 3, perDay: 4, perMinute: 5 };
    const u = await s.accounts.updateMailbox('A@one.test', {
      passwordHash: 'new', type: 'massive', quotaBytes: 42, limits, sendingEnabled: false, readOnly: true, acceptsOrdinaryMail: true, ceasedAt: ceased,
    });
    assert.equal(u.passwordHash, 'new');
    assert.equal(u.type, 'massive');
    assert.equal(u.quotaBytes, 42);
    assert.deepEqual(u.limits, limits);
    assert.equal(u.sendingEnabled, false);
    assert.equal(u.readOnly, true);
    assert.equal(u.acceptsOrdinaryMail, true);
    assert.equal(u.ceasedAt?.getTime(), ceased.getTime());
    assert.deepEqual(await s.accounts.getMailbox('a@one.test'), u);
    const back = await s.accounts.updateMailbox('a@one.test', { ceasedAt: null });
    assert.equal(back.ceasedAt, null);
    assert.deepEqual(await s.accounts.updateMailbox('a@one.test', {}), back);
    assert.equal(await codeOf(s.accounts.updateMailbox('zz@one.test', { readOnly: true })), 'MAILBOX_NOT_FOUND');
  }));
}
