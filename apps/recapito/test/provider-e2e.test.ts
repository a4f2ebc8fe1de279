/**
 * Two providers on loopback exchange certified mail exactly as real providers do: every
 * message the rules require, in the right mailbox, each verifying with OpenSSL, each daticert
 * valid against the DTD, and the whole transaction in both message logs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBody, fileName, inspectMessage, parseMessage, walk, type Inspection } from '@recapito/core';
import { cliOut, createLab, originalMessage, run, type Lab } from './support/two-providers.ts';

const DTD = fileURLToPath(new URL('../../../packages/core/dtd/daticert.dtd', import.meta.url));
let lab: Lab;

before(async () => {
  lab = await createLab();
  await lab.start(lab.alfa);
  await lab.start(lab.beta);
  await lab.addMailbox(lab.alfa, 'mittente@pec.alfa.test');
  await lab.addMailbox(lab.alfa, 'locale@pec.alfa.test');
  await lab.addMailbox(lab.alfa, 'limitata@pec.alfa.test', '--limits', 'recipients=2,size=2000');
  await lab.addMailbox(lab.beta, 'uno@pec.beta.test');
  await lab.addMailbox(lab.beta, 'due@pec.beta.test');
  await lab.addMailbox(lab.beta, 'piena@pec.beta.test', '--quota', '1000');
  await lab.addMailbox(lab.beta, 'chiusa@pec.beta.test', '--ordinary-mail', 'refuse');
});
after(async () => {
  await lab?.stop();
});

/** OpenSSL verification, xmllint on daticert, and our own classification of a stored message. */
async function check(raw: Buffer): Promise<Inspection> {
  const file = join(lab.dir, `check-${Math.random().toString(36).slice(2)}.eml`);
  writeFileSync(file, raw);
  const v = await run('openssl', ['smime', '-verify', '-in', file, '-CAfile', lab.ca, '-out', '/dev/null']);
  assert.equal(v.code, 0, `openssl smime -verify: ${v.stderr}`);
  const msg = parseMessage(raw);
  const dati = [...walk(msg.root)].find((n) => fileName(n) === 'daticert.xml');
  if (dati) {
    writeFileSync(`${file}.xml`, decodeBody(msg, dati).bytes);
    const x = await run('xmllint', ['--noout', '--dtdvalid', DTD, `${file}.xml`]);
    assert.equal(x.code, 0, `xmllint: ${x.stderr}`);
  }
  return inspectMessage(raw, { at: lab.clock.now(), trustAnchorsPem: [readCa()] });
}

function readCa(): string {
  return readFileSync(lab.ca, 'utf8');
}

async function kinds(p: typeof lab.alfa, address: string, folder?: string): Promise<Inspection[]> {
  const out = [];
  for (const raw of await lab.messages(p, address, folder)) out.push(await check(raw));
  return out;
}

test('one submission to a local, two remote and one ordinary recipient yields exactly the required messages', async () => {
  const to = ['uno@pec.beta.test', 'due@pec.beta.test', 'locale@pec.alfa.test', 'esterno@posta.example.org'];
  const r = await lab.submit(lab.alfa, 'mittente@pec.alfa.test', to, originalMessage('mittente@pec.alfa.test', to, { subject: 'Determina n. 7 – città', id: 'e2e-1@client.test' }));
  assert.deepEqual(r, [{ ok: true, refused: [] }]);
  // Sender: one acceptance, three delivery receipts (two from beta, one from alfa).
  const inbox = await lab.waitFor('sender receipts', async () => {
    const k = await kinds(lab.alfa, 'mittente@pec.alfa.test');
    return k.length >= 4 ? k : undefined;
  });
  await new Promise((res) => setTimeout(res, 500));
  const final = await kinds(lab.alfa, 'mittente@pec.alfa.test');
  assert.equal(final.length, 4, JSON.stringify(final.map((x) => x.kind)));
  assert.deepEqual(inbox.map((x) => x.kind).sort(), ['accettazione', 'avvenuta-consegna', 'avvenuta-consegna', 'avvenuta-consegna']);
  const pecMsgId = inbox[0]!.pecMsgId!;
  for (const m of inbox) {
    assert.equal(m.ok, true, JSON.stringify(m.problems));
    assert.equal(m.pecMsgId, pecMsgId);
    assert.equal(m.clientMsgId, '<e2e-1@client.test>');
    assert.equal(m.subject, 'Determina n. 7 – città');
  }
  const acc = inbox.find((x) => x.kind === 'accettazione')!;
  assert.deepEqual(acc.recipients.map((x) => `${x.address}:${x.type}`).sort(), ['due@pec.beta.test:certificato', 'esterno@posta.example.org:esterno', 'locale@pec.alfa.test:certificato', 'uno@pec.beta.test:certificato']);
  assert.deepEqual(inbox.filter((x) => x.kind === 'avvenuta-consegna').map((x) => x.daticert!.consegna).sort(), ['due@pec.beta.test', 'locale@pec.alfa.test', 'uno@pec.beta.test']);
  // Recipients: the transport envelope, once each.
  for (const [p, a] of [[lab.beta, 'uno@pec.beta.test'], [lab.beta, 'due@pec.beta.test'], [lab.alfa, 'locale@pec.alfa.test']] as const) {
    const k = await kinds(p, a);
    assert.deepEqual(k.map((x) => x.kind), ['posta-certificata'], a);
    assert.equal(k[0]!.pecMsgId, pecMsgId);
  }
  // Take-in-charge receipts: in alfa's service mailbox, one from each receiving provider.
  const service = await lab.waitFor('take-in-charge', async () => {
    const k = await kinds(lab.alfa, 'posta-certificata@pec.alfa.test');
    return k.length >= 2 ? k : undefined;
  });
  assert.deepEqual(service.map((x) => x.kind), ['presa-in-carico', 'presa-in-carico']);
  assert.deepEqual(service.map((x) => x.daticert!.ricezione.slice().sort().join(',')).sort(), ['due@pec.beta.test,uno@pec.beta.test', 'locale@pec.alfa.test']);
  // The ordinary recipient got the envelope as ordinary mail.
  const sunk = await lab.waitFor('ordinary copy', async () => lab.sink.messages.find((m) => m.rcptTo.includes('esterno@posta.example.org')));
  assert.equal((await check(sunk.data)).kind, 'posta-certificata');
  // Both logs tell the whole transaction.
  const alfaLog = await lab.alfa.server!.store.log.search({ pecMsgId });
  const betaLog = await lab.beta.server!.store.log.search({ pecMsgId });
  const events = (l: typeof alfaLog): string[] => l.map((e) => e.event).sort();
  for (const e of ['accettazione', 'busta-trasporto', 'ricezione-busta', 'presa-in-carico', 'consegna', 'ricevuta-avvenuta-consegna', 'ricevuta-presa-in-carico']) assert.ok(events(alfaLog).includes(e), `alfa log lacks ${e}: ${events(alfaLog)}`);
  for (const e of ['ricezione-busta', 'presa-in-carico', 'consegna']) assert.ok(events(betaLog).includes(e), `beta log lacks ${e}`);
  const t = await lab.alfa.server!.store.transactions.get(pecMsgId);
  assert.deepEqual(t!.recipients.map((x) => x.state), ['delivered', 'delivered', 'delivered']);
});

async function lastOf(p: typeof lab.alfa, address: string, kind: string, count = 1): Promise<Inspection[]> {
  return lab.waitFor(`${count} ${kind} for ${address}`, async () => {
    const k = (await kinds(p, address)).filter((x) => x.kind === kind);
    return k.length >= count ? k : undefined;
  });
}

test('Bcc, too many recipients and oversize get a non-acceptance notice, no envelope', async () => {
  const bcc = await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['uno@pec.beta.test', 'due@pec.beta.test'], originalMessage('mittente@pec.alfa.test', ['uno@pec.beta.test'], { bcc: ['due@pec.beta.test'], subject: 'con bcc' }));
  assert.equal(bcc[0]!.ok, true);
  const many = ['uno@pec.beta.test', 'due@pec.beta.test', 'locale@pec.alfa.test'];
  await lab.submit(lab.alfa, 'limitata@pec.alfa.test', many, originalMessage('limitata@pec.alfa.test', many, { subject: 'troppi' }));
  await lab.submit(lab.alfa, 'limitata@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('limitata@pec.alfa.test', ['uno@pec.beta.test'], { subject: 'grande', body: 'x'.repeat(5000) }));
  const [n1] = await lastOf(lab.alfa, 'mittente@pec.alfa.test', 'non-accettazione');
  assert.equal(n1!.ok, true);
  assert.match(n1!.errorDetail!, /Bcc/);
  const n2 = await lastOf(lab.alfa, 'limitata@pec.alfa.test', 'non-accettazione', 2);
  assert.match(n2.map((x) => x.errorDetail).join(' '), /destinatari \(3\) superiore al limite di 2/);
  assert.match(n2.map((x) => x.errorDetail).join(' '), /dimensione del messaggio/);
  const log = await lab.alfa.server!.store.log.search({ address: 'limitata@pec.alfa.test' });
  assert.equal(log.filter((e) => e.event === 'busta-trasporto').length, 0);
});

test('unknown and over-quota recipients get a non-delivery notice', async () => {
  const to = ['nessuno@pec.beta.test', 'piena@pec.beta.test'];
  await lab.submit(lab.alfa, 'mittente@pec.alfa.test', to, originalMessage('mittente@pec.alfa.test', to, { subject: 'non consegnabile', body: 'y'.repeat(3000) }));
  const errors = await lastOf(lab.alfa, 'mittente@pec.alfa.test', 'errore-consegna', 2);
  const byRcpt = Object.fromEntries(errors.map((x) => [x.daticert!.consegna, x]));
  assert.equal(byRcpt['nessuno@pec.beta.test']!.error, 'no-dest');
  assert.match(byRcpt['nessuno@pec.beta.test']!.errorDetail!, /^5\.1\.1 - Beta PEC S\.p\.A\./);
  assert.equal(byRcpt['piena@pec.beta.test']!.error, 'altro');
  assert.match(byRcpt['piena@pec.beta.test']!.errorDetail!, /^5\.2\.2 .*casella piena/);
  assert.equal((await lab.messages(lab.beta, 'piena@pec.beta.test')).length, 0);
});

test('ordinary mail from a plain SMTP client becomes an anomaly envelope, or is refused', async () => {
  const r = await lab.submit(lab.beta, 'qualcuno@example.org', ['uno@pec.beta.test'], originalMessage('qualcuno@example.org', ['uno@pec.beta.test'], { subject: 'posta ordinaria' }), { mode: 'plain' });
  assert.equal(r[0]!.ok, true);
  const [anomaly] = await lastOf(lab.beta, 'uno@pec.beta.test', 'anomalia');
  assert.equal(anomaly!.ok, true);
  assert.equal(anomaly!.subject, 'ANOMALIA MESSAGGIO: posta ordinaria');
  const refused = await lab.submit(lab.beta, 'qualcuno@example.org', ['chiusa@pec.beta.test'], originalMessage('qualcuno@example.org', ['chiusa@pec.beta.test']), { mode: 'plain' });
  assert.equal(refused[0]!.ok, false);
  assert.equal(refused[0]!.code, 550);
  const relay = await lab.submit(lab.beta, 'qualcuno@example.org', ['x@altrove.example'], originalMessage('qualcuno@example.org', ['x@altrove.example']), { mode: 'plain' });
  assert.equal(relay[0]!.code, 550);
});

test('a forged envelope (signature broken) becomes an anomaly envelope and gets no receipt', async () => {
  const [env] = await lab.messages(lab.beta, 'due@pec.beta.test');
  const forged = env!.toString('latin1').replace('Corpo del messaggio', 'Corpo del massaggio');
  const before = (await kinds(lab.alfa, 'mittente@pec.alfa.test')).length;
  const r = await lab.submit(lab.beta, 'mittente@pec.alfa.test', ['due@pec.beta.test'], Buffer.from(forged, 'latin1'), { mode: 'plain' });
  assert.equal(r[0]!.ok, true);
  const anomalies = await lastOf(lab.beta, 'due@pec.beta.test', 'anomalia');
  assert.match(anomalies[0]!.subject!, /^ANOMALIA MESSAGGIO: POSTA CERTIFICATA: /);
  await new Promise((res) => setTimeout(res, 1000));
  assert.equal((await kinds(lab.alfa, 'mittente@pec.alfa.test')).length, before, 'no receipt for an anomaly');
});

test('sender must be the authenticated mailbox, and sending can be disabled', async () => {
  const spoof = await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('locale@pec.alfa.test', ['uno@pec.beta.test']), { mailFrom: 'locale@pec.alfa.test' });
  assert.equal(spoof[0]!.code, 550);
  assert.match(spoof[0]!.error!, /casella autenticata/);
});

test('an unreachable provider yields the 12 h warning and the 24 h notice', async () => {
  const gamma = join(lab.dir, 'gamma');
  await run(process.execPath, [fileURLToPath(new URL('../bin/recapito.js', import.meta.url)), 'pki', 'init', '--dir', gamma, '--domain', 'pec.gamma.test']);
  await lab.alfa.server!.store.index.put({ name: 'Gamma PEC', mailReceipt: 'posta-certificata@pec.gamma.test', domains: ['pec.gamma.test'], certificates: [readFileSync(join(gamma, 'provider.pem'), 'utf8')], route: '127.0.0.1:1' });
  await lab.alfa.server!.provider.reloadIndex();
  await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['irraggiungibile@pec.gamma.test'], originalMessage('mittente@pec.alfa.test', ['irraggiungibile@pec.gamma.test'], { subject: 'verso gamma' }));
  const acc = await lab.waitFor('acceptance', async () => (await kinds(lab.alfa, 'mittente@pec.alfa.test')).find((x) => x.subject === 'verso gamma' && x.kind === 'accettazione'));
  lab.clock.advance(12 * 3600_000 + 60_000);
  const [warn] = await lastOf(lab.alfa, 'mittente@pec.alfa.test', 'preavviso-errore-consegna');
  assert.equal(warn!.pecMsgId, acc.pecMsgId);
  assert.match(warn!.errorDetail!, /^4\.4\.7 .* 12 ore/);
  lab.clock.advance(11 * 3600_000);
  const notices = await lastOf(lab.alfa, 'mittente@pec.alfa.test', 'preavviso-errore-consegna', 2);
  assert.ok(notices.some((x) => /^5\.4\.7 .* 24 ore/.test(x.errorDetail!)));
  const t = await lab.alfa.server!.store.transactions.get(acc.pecMsgId!);
  assert.equal(t!.recipients[0]!.state, 'expired');
});

test('mailbox states flip on the running server: read-only refuses delivery, sending off refuses MAIL FROM', async () => {
  assert.equal((await cliOut('mailbox', 'set', 'due@pec.beta.test', '--data', lab.beta.data, '--read-only')).code, 0);
  await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['due@pec.beta.test'], originalMessage('mittente@pec.alfa.test', ['due@pec.beta.test'], { subject: 'verso sola lettura' }));
  const err = await lab.waitFor('read-only refusal', async () => (await kinds(lab.alfa, 'mittente@pec.alfa.test')).find((x) => x.kind === 'errore-consegna' && x.subject === 'verso sola lettura'));
  assert.match(err.errorDetail!, /^5\.2\.1 .*non in grado di accettare messaggi/);
  assert.equal((await cliOut('mailbox', 'set', 'due@pec.beta.test', '--data', lab.beta.data, '--read-write')).code, 0);
  assert.equal((await cliOut('mailbox', 'set', 'mittente@pec.alfa.test', '--data', lab.alfa.data, '--sending', 'off')).code, 0);
  const refused = await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('mittente@pec.alfa.test', ['uno@pec.beta.test']));
  assert.equal(refused[0]!.code, 550);
  assert.match(refused[0]!.error!, /invio disabilitato/);
  assert.equal((await cliOut('mailbox', 'set', 'mittente@pec.alfa.test', '--data', lab.alfa.data, '--sending', 'on')).code, 0);
  const list = JSON.parse((await cliOut('mailbox', 'list', '--data', lab.beta.data, '--json')).stdout) as { address: string; state: string }[];
  assert.equal(list.find((m) => m.address === 'due@pec.beta.test')!.state, 'active');
});

test('export gives the stored bytes; an envelope for two local mailboxes is stored once', async () => {
  const out = join(lab.dir, 'export');
  const r = await cliOut('mailbox', 'export', 'uno@pec.beta.test', '--data', lab.beta.data, '--out', out, '--json');
  assert.equal(r.code, 0);
  const stored = await lab.messages(lab.beta, 'uno@pec.beta.test');
  assert.equal(JSON.parse(r.stdout).folders.INBOX, stored.length);
  const first = readFileSync(join(out, 'INBOX', '00000001.eml'));
  assert.ok(first.equals(stored[0]!), 'exported bytes equal stored bytes');
  assert.equal((await check(first)).ok, true, 'an exported envelope still verifies');
  const store = lab.beta.server!.store;
  const blobOf = async (a: string): Promise<string> => {
    const m = (await store.accounts.getMailbox(a))!;
    return (await store.mailboxes.listMessages((await store.mailboxes.getFolder(m.id, 'INBOX'))!.id))[0]!.blobId;
  };
  assert.equal(await blobOf('uno@pec.beta.test'), await blobOf('due@pec.beta.test'));
});

test('log search by PEC id and address, as JSON; the chain verifies', async () => {
  const [acc] = (await kinds(lab.alfa, 'mittente@pec.alfa.test')).filter((x) => x.kind === 'accettazione');
  const byId = JSON.parse((await cliOut('log', 'search', '--data', lab.alfa.data, '--msgid', acc!.pecMsgId!, '--json')).stdout) as { event: string; pecMsgId: string }[];
  assert.ok(byId.length >= 3 && byId.every((e) => e.pecMsgId === acc!.pecMsgId));
  const byAddr = JSON.parse((await cliOut('log', 'search', '--data', lab.beta.data, '--address', 'uno@pec.beta.test', '--since', '2020-01-01', '--json')).stdout) as { recipients: string[]; sender: string }[];
  assert.ok(byAddr.length > 0 && byAddr.every((e) => e.recipients.includes('uno@pec.beta.test') || e.sender === 'uno@pec.beta.test'));
  assert.equal((await cliOut('log', 'search', '--data', lab.beta.data, '--since', 'ieri')).code, 2);
  const v = await cliOut('log', 'verify', '--data', lab.alfa.data);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /intact/);
});

test('index import of an LDIF adds providers the server then trusts', async () => {
  const { writeLdif, pemToDerList, providerCertificateHash } = await import('@recapito/core');
  const der = pemToDerList(readFileSync(join(lab.dir, 'gamma', 'provider.pem'), 'utf8'))[0]!;
  const ldif = writeLdif([{ name: 'Delta PEC S.p.A.', certificateHashes: [providerCertificateHash(der)], certificates: [der], mailReceipt: 'posta-certificata@pec.delta.test', managedDomains: ['pec.delta.test', 'legal.delta.test'] }]);
  writeFileSync(join(lab.dir, 'index.ldif'), ldif);
  const r = await cliOut('index', 'import', join(lab.dir, 'index.ldif'), '--data', lab.alfa.data, '--json');
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).imported, 1);
  await lab.alfa.server!.provider.reloadIndex();
  assert.equal(lab.alfa.server!.provider.ctx.index().isCertifiedDomain('legal.delta.test'), true);
});

test('receipt variants: breve requested for To, sintetica for Cc (RFC 6109 §3.3.2.1)', async () => {
  const msg = originalMessage('mittente@pec.alfa.test', ['uno@pec.beta.test'], { cc: ['due@pec.beta.test'], subject: 'varianti' }).replace('MIME-Version: 1.0', 'X-TipoRicevuta: breve\r\nMIME-Version: 1.0');
  await lab.submit(lab.alfa, 'mittente@pec.alfa.test', ['uno@pec.beta.test', 'due@pec.beta.test'], msg);
  const receipts = await lab.waitFor('two receipts', async () => {
    const k = (await kinds(lab.alfa, 'mittente@pec.alfa.test')).filter((x) => x.kind === 'avvenuta-consegna' && x.subject === 'varianti');
    return k.length >= 2 ? k : undefined;
  });
  const byRcpt = Object.fromEntries(receipts.map((x) => [x.daticert!.consegna, x.variant]));
  assert.deepEqual(byRcpt, { 'uno@pec.beta.test': 'breve', 'due@pec.beta.test': 'sintetica' });
});

test('traffic limits per minute answer 451 with the reason, and let the message through later', async () => {
  await lab.addMailbox(lab.alfa, 'lenta@pec.alfa.test', '--limits', 'perMinute=1');
  const first = await lab.submit(lab.alfa, 'lenta@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('lenta@pec.alfa.test', ['uno@pec.beta.test']));
  assert.equal(first[0]!.ok, true);
  const second = await lab.submit(lab.alfa, 'lenta@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('lenta@pec.alfa.test', ['uno@pec.beta.test']));
  assert.equal(second[0]!.code, 451);
  assert.match(second[0]!.error!, /limite di 1 messaggi al minuto/);
  lab.clock.advance(61_000);
  const third = await lab.submit(lab.alfa, 'lenta@pec.alfa.test', ['uno@pec.beta.test'], originalMessage('lenta@pec.alfa.test', ['uno@pec.beta.test']));
  assert.equal(third[0]!.ok, true);
});
