import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, createDevPki, loadSigner } from '@recapito/core';
import { openStore } from '@recapito/store';
import { Provider, retentionLimit } from '../src/provider.ts';
import { hashPassword, verifyPassword } from '../src/passwords.ts';
import { parseLimits, parseSize, DEFAULT_LIMITS } from '../src/limits.ts';
import { backoffMs } from '../src/runner.ts';

test('the message log keeps 30 months and purges what is older', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recapito-prov-'));
  const store = await openStore({ dataDir: dir });
  try {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const pki = await createDevPki({ domain: 'pec.alfa.test', providerName: 'Alfa', now: clock.now() });
    const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
    const provider = await Provider.create({ store, clock, outbound: { hostname: 'localhost' }, identity: { name: 'Alfa', domain: 'pec.alfa.test', serviceAddress: 'posta-certificata@pec.alfa.test', signer, digest: 'sha256', timeZone: 'Europe/Rome', clock } });
    const ev = (at: string) => ({ at: new Date(at), event: 'accettazione', pecMsgId: at, messageId: null, sender: 'a@pec.alfa.test', recipients: [], subject: null, details: {} });
    await store.log.append([ev('2024-05-22T00:00:00Z'), ev('2024-05-24T00:00:00Z'), ev('2026-11-01T00:00:00Z')]);
    assert.equal(retentionLimit(clock.now()).toISOString(), '2024-05-23T10:00:00.000Z');
    assert.equal(await provider.purgeLog(), 1);
    assert.deepEqual((await store.log.search({})).map((e) => e.pecMsgId).sort(), ['2024-05-24T00:00:00Z', '2026-11-01T00:00:00Z']);
    assert.equal(await store.log.verifyChain(), undefined);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('passwords: scrypt hashes verify, wrong ones and malformed hashes do not', async () => {
  const h = await hashPassword('Prova.Pec-2026');
  assert.match(h, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('Prova.Pec-2026', h), true);
  assert.equal(await verifyPassword('Prova.Pec-2027', h), false);
  assert.equal(await verifyPassword('x', 'garbage'), false);
  assert.equal(await verifyPassword('x', 'scrypt$99999999$8$1$AA==$AA=='), false);
});

test('sizes and limits parse, with clear errors', () => {
  assert.equal(parseSize('6GB'), 6 * 1024 ** 3);
  assert.equal(parseSize('500 mb'), 500 * 1024 ** 2);
  assert.equal(parseSize('lots'), undefined);
  assert.deepEqual(parseLimits('recipients=100,perDay=2000', DEFAULT_LIMITS.standard), { ...DEFAULT_LIMITS.standard, maxRecipients: 100, perDay: 2000 });
  assert.match(String(parseLimits('speed=3', DEFAULT_LIMITS.standard)), /unknown limit "speed"/);
  assert.match(String(parseLimits('recipients=-1', DEFAULT_LIMITS.standard)), /bad value/);
  assert.equal(backoffMs(0, 1000), 1000);
  assert.equal(backoffMs(30, 1000), 3600_000);
});
