import assert from 'node:assert/strict';
import { it } from 'node:test';
import { codeOf, withStore, type MakeTarget } from '../harness.ts';

const T0 = new Date('2026-07-01T08:00:00.123Z');
const BLOB = 'ab'.repeat(32);

export function recordsContract(make: MakeTarget): void {
  it('outbox: add is idempotent on the key and returns the existing row', () => withStore(make, async (s) => {
    const first = await s.outbox.add({ key: 'receipt:1:consegna:a@x', blobId: BLOB, mailFrom: 'posta@pec.test', rcptTo: ['a@x.test', 'b@x.test'], domain: 'X.test' });
    assert.equal(first.createdAt.getTime(), T0.getTime());
    assert.equal(first.sentAt, null);
    assert.equal(first.attempts, 0);
    assert.deepEqual(first.rcptTo, ['a@x.test', 'b@x.test']);
    assert.equal(first.domain, 'x.test');
    const again = await s.outbox.add({ key: 'receipt:1:consegna:a@x', blobId: 'cd'.repeat(32), mailFrom: 'other@pec.test', rcptTo: ['z@x.test'], domain: 'x.test' });
    assert.deepEqual(again, first);
    const second = await s.outbox.add({ key: 'k2', blobId: BLOB, mailFrom: 'posta@pec.test', rcptTo: ['c@y.test'], domain: 'y.test' });
    assert.deepEqual((await s.outbox.pending()).map((m) => m.id), [first.id, second.id]);

    await s.outbox.markAttempt(first.id, '421 busy');
    await s.outbox.markAttempt(first.id, '451 later');
    const sentAt = new Date('2026-07-01T08:05:00.456Z');
    await s.outbox.markSent(first.id, sentAt);
    const got = (await s.outbox.get(first.id))!;
    assert.equal(got.attempts, 2);
    assert.equal(got.lastError, '451 later');
    assert.equal(got.sentAt?.getTime(), sentAt.getTime());
    assert.deepEqual((await s.outbox.pending()).map((m) => m.id), [second.id]);
    assert.equal(await s.outbox.get(123_456), undefined);
    assert.equal(await codeOf(s.outbox.markSent(123_456, sentAt)), 'OUTBOX_NOT_FOUND');
    assert.equal(await codeOf(s.outbox.markAttempt(123_456, 'x')), 'OUTBOX_NOT_FOUND');
  }, { now: () => T0 }));

  it('received: true the first time, false afterwards (also concurrently)', () => withStore(make, async (s, t) => {
    assert.equal(await s.received.markReceived('<m1@x>', 'a@pec.test', T0), true);
    assert.equal(await s.received.markReceived('<m1@x>', 'A@pec.test', T0), false);
    assert.equal(await s.received.markReceived('<m1@x>', 'b@pec.test', T0), true);
    assert.equal(await s.received.markReceived('<m2@x>', 'a@pec.test', T0), true);
    const other = await t.open();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? s : other).received.markReceived('<race@x>', 'a@pec.test', T0)));
    assert.equal(results.filter(Boolean).length, 1);
  }));

  it('transactions: create, get, forward-only recipient states, warnings, counts', () => withStore(make, async (s) => {
    const cert = { kind: 'accettazione', at: '2026-07-01T08:00:00Z', nested: { list: [1, 2] } };
    await s.transactions.create({
      pecMsgId: 'opec1.20260701.1@pec.test', sender: 'Mario@pec.test', subject: 'Oggetto', clientMsgId: '<c1@client>',
      acceptedAt: T0, certification: cert, recipients: ['a@x.test', 'B@y.test', 'a@x.test'],
    });
    const t = (await s.transactions.get('opec1.20260701.1@pec.test'))!;
    assert.equal(t.sender, 'mario@pec.test');
    assert.equal(t.clientMsgId, '<c1@client>');
    assert.equal(t.acceptedAt.getTime(), T0.getTime());
    assert.deepEqual(t.certification, cert);
    assert.deepEqual(t.recipients, [
      { address: 'a@x.test', state: 'pending', warned: false },
      { address: 'b@y.test', state: 'pending', warned: false },
    ]);
    assert.equal(await s.transactions.get('nope'), undefined);
    const id = t.pecMsgId;
    const state = async (a: string) => (await s.transactions.get(id))!.recipients.find((r) => r.address === a)!.state;

    await s.transactions.setRecipientState(id, 'A@x.test', 'taken');
    assert.equal(await state('a@x.test'), 'taken');
    await s.transactions.setRecipientState(id, 'a@x.test', 'pending');
    assert.equal(await state('a@x.test'), 'taken', 'never backward');
    await s.transactions.setRecipientState(id, 'a@x.test', 'delivered');
    for (const later of ['taken', 'pending', 'failed', 'expired'] as const) {
      await s.transactions.setRecipientState(id, 'a@x.test', later);
      assert.equal(await state('a@x.test'), 'delivered', `delivered is final (${later})`);
    }
    // pending may jump straight to a final state (a receipt overtaking the taking-in-charge).
    await s.transactions.setRecipientState(id, 'b@y.test', 'expired');
    await s.transactions.setRecipientState(id, 'b@y.test', 'delivered');
    assert.equal(await state('b@y.test'), 'expired');

    await s.transactions.markWarned(id, 'B@y.test');
    assert.deepEqual((await s.transactions.get(id))!.recipients.map((r) => r.warned), [false, true]);
    assert.equal(await codeOf(s.transactions.setRecipientState(id, 'z@z.test', 'taken')), 'TRANSACTION_NOT_FOUND');
    assert.equal(await codeOf(s.transactions.setRecipientState('nope', 'a@x.test', 'taken')), 'TRANSACTION_NOT_FOUND');
    assert.equal(await codeOf(s.transactions.markWarned(id, 'z@z.test')), 'TRANSACTION_NOT_FOUND');
    assert.equal(await codeOf(s.transactions.create({ ...t, recipients: ['q@q.test'] })), 'TRANSACTION_EXISTS');

    for (let i = 0; i < 3; i++) {
      await s.transactions.create({ pecMsgId: `m${i}`, sender: 'mario@pec.test', subject: '', clientMsgId: null, acceptedAt: new Date(T0.getTime() + (i + 1) * 60_000), certification: null, recipients: [] });
    }
    assert.equal(await s.transactions.countSince('MARIO@pec.test', T0), 4);
    assert.equal(await s.transactions.countSince('mario@pec.test', new Date(T0.getTime() + 120_000)), 2);
    assert.equal(await s.transactions.countSince('other@pec.test', T0), 0);
  }));

  it('index: put inserts or replaces by name, list, remove', () => withStore(make, async (s) => {
    const alfa = { name: 'Alfa', mailReceipt: 'posta@alfa.test', domains: ['alfa.test', 'pec.alfa.test'], certificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'], route: '127.0.0.1:2525' };
    await s.index.put(alfa);
    await s.index.put({ name: 'Beta', mailReceipt: 'posta@beta.test', domains: [], certificates: [], route: null });
    assert.deepEqual((await s.index.list()).map((p) => p.name), ['Alfa', 'Beta']);
    assert.deepEqual((await s.index.list())[0], alfa);
    const replaced = { ...alfa, domains: ['alfa.test'], route: null };
    await s.index.put(replaced);
    assert.deepEqual((await s.index.list())[0], replaced);
    await s.index.remove('Alfa');
    await s.index.remove('Alfa');
    assert.deepEqual((await s.index.list()).map((p) => p.name), ['Beta']);
  }));
}
