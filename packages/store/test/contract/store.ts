import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { openStore, StoreError, STORE_ERRORS } from '../../src/index.ts';
import { codeOf, newMailbox, withStore, type MakeTarget } from '../harness.ts';

export function storeContract(make: MakeTarget): void {
  it('transaction: a throw after an enqueue and a log append rolls both back', () => withStore(make, async (s) => {
    const m = await s.accounts.addMailbox(newMailbox('a@x.test', 1000));
    const blob = await s.blobs.put([Buffer.from('x')]);
    await assert.rejects(s.transaction(async (tx) => {
      assert.equal(await tx.queue.enqueue([{ kind: 'a', key: 'k', payload: 1 }]), 1);
      await tx.log.append([{ at: new Date(), event: 'accettazione', pecMsgId: 'p', messageId: null, sender: null, recipients: [], subject: null, details: {} }]);
      await tx.mailboxes.append({ mailboxId: m.id, blob, internalDate: new Date() });
      await tx.outbox.add({ key: 'o', blobId: blob.id, mailFrom: 'a@x.test', rcptTo: ['b@y.test'], domain: 'y.test' });
      assert.equal(await tx.queue.count(), 1, 'visible inside');
      throw new Error('boom');
    }), /boom/);
    assert.equal(await s.queue.count(), 0);
    assert.equal(await s.queue.get('k'), undefined);
    assert.deepEqual(await s.log.search({}), []);
    assert.deepEqual(await s.outbox.pending(), []);
    assert.equal((await s.accounts.getMailboxById(m.id))!.usedBytes, 0);
    assert.equal((await s.mailboxes.getFolder(m.id, 'INBOX'))!.uidNext, 1);
    assert.equal(await s.log.verifyChain(), undefined);
  }));

  it('transaction: commits everything together and returns the callback value', () => withStore(make, async (s) => {
    const r = await s.transaction(async (tx) => {
      await tx.queue.enqueue([{ kind: 'a', key: 'k', payload: 1 }]);
      await tx.log.append([{ at: new Date(), event: 'ricezione', pecMsgId: null, messageId: '<m@x>', sender: 'a@x', recipients: ['b@y'], subject: 's', details: {} }]);
      // A StoreError caught inside does not spoil the transaction.
      await tx.accounts.addMailbox(newMailbox('dup@x.test'));
      assert.equal(await codeOf(tx.accounts.addMailbox(newMailbox('dup@x.test'))), 'MAILBOX_EXISTS');
      return 42;
    });
    assert.equal(r, 42);
    assert.equal(await s.queue.count(), 1);
    assert.equal((await s.log.search({ messageId: '<m@x>' })).length, 1);
    assert.ok(await s.accounts.getMailbox('dup@x.test'));
    assert.equal(await s.log.verifyChain(), undefined);
  }));

  it('round-trips Date values exactly (millisecond precision, far past and future)', () => withStore(make, async (s) => {
    const dates = [new Date('1970-01-01T00:00:00.000Z'), new Date('2026-11-23T09:30:00.001Z'), new Date('2099-12-31T23:59:59.999Z')];
    for (const [i, d] of dates.entries()) {
      await s.queue.enqueue([{ kind: 'd', key: `d${i}`, payload: null, runAt: d }]);
      assert.deepEqual((await s.queue.get(`d${i}`))!.runAt, d);
      await s.log.append([{ at: d, event: 'e', pecMsgId: `d${i}`, messageId: null, sender: null, recipients: [], subject: null, details: {} }]);
      assert.deepEqual((await s.log.search({ pecMsgId: `d${i}` }))[0]!.at, d);
    }
    assert.equal(await codeOf(s.queue.enqueue([{ kind: 'd', key: 'bad', payload: null, runAt: new Date('nope') }])), 'INVALID_INPUT');
  }));

  it('opens the same database from two instances at once and reopens idempotently', async () => {
    const t = await make();
    try {
      const [a, b] = await Promise.all([t.open(), t.open()]);
      await a.accounts.addDomain('x.test');
      assert.deepEqual(await b.accounts.listDomains(), ['x.test']);
      const c = await t.open();
      assert.deepEqual(await c.accounts.listDomains(), ['x.test']);
      const rows = await t.exec('select name from store_migrations order by name');
      assert.deepEqual(rows.map((r) => r.name), ['001-accounts-mailboxes', '002-queue-outbox-received', '003-transactions-log-index', '004-imap', '005-migration-map']);
      assert.equal(a.dialect, b.dialect);
    } finally {
      await t.dispose();
    }
  });

  it('throws StoreError codes that are all documented in STORE_ERRORS', () => withStore(make, async (_s, t) => {
    const err = new StoreError('QUOTA_EXCEEDED');
    assert.equal(err.message, STORE_ERRORS.QUOTA_EXCEEDED);
    assert.equal(err.toProblem().code, 'QUOTA_EXCEEDED');
    assert.equal(await codeOf(openStore({ dataDir: join(t.dataDir, 'never'), url: 'mysql://h/db' })), 'STORE_CONFIG_INVALID');
    assert.equal(await codeOf(openStore({ dataDir: join(t.dataDir, 'never'), url: 'postgres://h/db?schema=Bad-Name' })), 'STORE_CONFIG_INVALID');
    assert.equal(await codeOf(openStore({ dataDir: t.dataDir, url: 'postgres://postgres@127.0.0.1:1/test' })), 'STORE_UNAVAILABLE');
    for (const code of Object.keys(STORE_ERRORS)) assert.match(code, /^[A-Z_]+$/);
  }));
}
