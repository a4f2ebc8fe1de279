import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewLogEvent } from '../../src/index.ts';
import { withStore, type MakeTarget } from '../harness.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;

function ev(day: number, over: Partial<NewLogEvent> = {}): NewLogEvent {
  return {
    at: new Date(T0 + day * DAY + 123), event: 'accettazione', pecMsgId: `pec-${day}`, messageId: `<m${day}@x>`,
    sender: 'Mario@pec.test', recipients: [`r${day}@dest.test`], subject: `subject ${day}`, details: { day, z: true, a: { b: [1, 'two'] } },
    ...over,
  };
}

export function logContract(make: MakeTarget): void {
  it('appends and searches by pecMsgId, messageId, address, time range and limit (newest first)', () => withStore(make, async (s) => {
    await s.log.append([ev(0), ev(1, { sender: null, recipients: ['Mario@pec.test', 'x@y.test'] }), ev(2, { pecMsgId: null })]);
    await s.log.append([ev(3, { sender: 'other@pec.test', event: 'consegna' })]);
    await s.log.append([]);

    const all = await s.log.search({});
    assert.deepEqual(all.map((e) => e.pecMsgId), ['pec-3', null, 'pec-1', 'pec-0']);
    const e0 = all[3]!;
    assert.equal(e0.at.getTime(), T0 + 123);
    assert.equal(e0.event, 'accettazione');
    assert.equal(e0.messageId, '<m0@x>');
    assert.equal(e0.sender, 'Mario@pec.test');
    assert.deepEqual(e0.recipients, ['r0@dest.test']);
    assert.equal(e0.subject, 'subject 0');
    assert.deepEqual(e0.details, { day: 0, z: true, a: { b: [1, 'two'] } });
    assert.match(e0.hash, /^[0-9a-f]{64}$/);

    assert.deepEqual((await s.log.search({ pecMsgId: 'pec-1' })).map((e) => e.messageId), ['<m1@x>']);
    assert.deepEqual((await s.log.search({ messageId: '<m2@x>' })).map((e) => e.subject), ['subject 2']);
    // Sender or any recipient, case-insensitively.
    assert.deepEqual((await s.log.search({ address: 'mario@PEC.test' })).map((e) => e.messageId), ['<m2@x>', '<m1@x>', '<m0@x>']);
    assert.deepEqual((await s.log.search({ address: 'r3@dest.test' })).map((e) => e.event), ['consegna']);
    assert.deepEqual(await s.log.search({ address: 'nobody@dest.test' }), []);
    const range = await s.log.search({ since: new Date(T0 + DAY), until: new Date(T0 + 3 * DAY) });
    assert.deepEqual(range.map((e) => e.messageId), ['<m2@x>', '<m1@x>'], 'since inclusive, until exclusive');
    assert.deepEqual((await s.log.search({ address: 'mario@pec.test', limit: 2 })).map((e) => e.messageId), ['<m2@x>', '<m1@x>']);
    assert.deepEqual((await s.log.search({ address: 'mario@pec.test', pecMsgId: 'pec-0' })).map((e) => e.messageId), ['<m0@x>']);
    assert.equal(await s.log.verifyChain(), undefined);
  }));

  it('detects a row tampered with directly in SQL', () => withStore(make, async (s, t) => {
    for (let d = 0; d < 6; d++) await s.log.append([ev(d)]);
    assert.equal(await s.log.verifyChain(), undefined);
    const target = (await s.log.search({ pecMsgId: 'pec-3' }))[0]!;
    await t.exec('update message_log set subject = ? where id = ?', ['forged', target.id]);
    assert.equal(await s.log.verifyChain(), target.id);
    await t.exec('update message_log set subject = ? where id = ?', ['subject 3', target.id]);
    assert.equal(await s.log.verifyChain(), undefined);
    await t.exec("update message_log set details = '{\"day\":4}' where id = ?", [target.id + 1]);
    assert.equal(await s.log.verifyChain(), target.id + 1);
  }));

  it('detects a row deleted in the middle of the chain', () => withStore(make, async (s, t) => {
    for (let d = 0; d < 5; d++) await s.log.append([ev(d)]);
    const ids = (await s.log.search({})).map((e) => e.id).reverse();
    await t.exec('delete from message_log_addresses where log_id = ?', [ids[2]]);
    await t.exec('delete from message_log where id = ?', [ids[2]]);
    assert.equal(await s.log.verifyChain(), ids[3]);
  }));

  it('detects the oldest or newest rows being deleted outside purge', async () => {
    for (const which of ['first', 'last'] as const) {
      await withStore(make, async (s, t) => {
        for (let d = 0; d < 4; d++) await s.log.append([ev(d)]);
        const ids = (await s.log.search({})).map((e) => e.id).reverse();
        const victim = which === 'first' ? ids[0] : ids[3];
        await t.exec('delete from message_log_addresses where log_id = ?', [victim]);
        await t.exec('delete from message_log where id = ?', [victim]);
        assert.equal(await s.log.verifyChain(), which === 'first' ? ids[1] : ids[3], which);
      });
    }
  });

  it('purge deletes older entries and leaves a chain verifiable from the oldest remaining', () => withStore(make, async (s) => {
    // Entry 4 is older than entry 3 (clock skew): purge only removes a prefix of the chain.
    await s.log.append([ev(0), ev(1), ev(2), ev(5), ev(3), ev(6)]);
    assert.equal(await s.log.purge(new Date(T0 - DAY)), 0);
    assert.equal(await s.log.purge(new Date(T0 + 2 * DAY)), 2);
    assert.deepEqual((await s.log.search({})).map((e) => e.pecMsgId).sort(), ['pec-2', 'pec-3', 'pec-5', 'pec-6']);
    assert.deepEqual(await s.log.search({ address: 'r0@dest.test' }), []);
    assert.equal(await s.log.verifyChain(), undefined);
    assert.equal(await s.log.purge(new Date(T0 + 4 * DAY)), 1, 'entry 3 waits behind entry 5');
    assert.equal(await s.log.verifyChain(), undefined);
    await s.log.append([ev(7)]);
    assert.equal(await s.log.verifyChain(), undefined);
    assert.equal(await s.log.purge(new Date(T0 + 100 * DAY)), 4);
    assert.deepEqual(await s.log.search({}), []);
    assert.equal(await s.log.verifyChain(), undefined, 'an empty log after purge is intact');
    await s.log.append([ev(8)]);
    assert.equal(await s.log.verifyChain(), undefined);
  }));

  it('keeps the chain linear under concurrent appends from two store instances', async () => {
    const t = await make();
    try {
      const [s1, s2] = [await t.open(), await t.open()];
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? s1 : s2).log.append([ev(i), ev(i + 100)])));
      assert.equal((await s1.log.search({})).length, 60);
      assert.equal(await s2.log.verifyChain(), undefined);
    } finally {
      await t.dispose();
    }
  });
}
