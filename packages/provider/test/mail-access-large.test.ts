// A folder of 100,000 messages served over IMAPS from the real store: SELECT and a UID FETCH
// of every message's flags work, read no message body (blob reads are counted), and the
// session holds the folder as its UID list. Python's imaplib is the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImapListener } from '@recapito/imap';
import { openStore, type Store } from '@recapito/store';
import { tlsMaterial } from '../../smtp/test/helpers.ts';
import { imapBackend } from '../src/mail-access/index.ts';
import { hashPassword } from '../src/passwords.ts';
import { DEFAULT_LIMITS } from '../src/limits.ts';
import { silentLogger } from '../src/context.ts';

const N = 100_000;
const USER = 'grande@pec.example.test';
const PASS = 'Prova.Pec-2026';

const CLIENT = `
import imaplib, json, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2]); ctx.check_hostname = False
c = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx, timeout=120)
c.login(sys.argv[3], sys.argv[4])
t0 = time.time(); typ, data = c.select("INBOX", readonly=True); t1 = time.time()
typ2, rows = c.uid("FETCH", "1:*", "(FLAGS)"); t2 = time.time()
seen = sum(1 for r in rows if isinstance(r, bytes) and b"\\\\Seen" in r)
last = rows[-1].decode() if rows else ""
c.logout()
print(json.dumps({"exists": int(data[0]), "fetched": len(rows), "seen": seen, "last": last, "select_s": t1 - t0, "fetch_s": t2 - t1}))
`;

function python(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', CLIENT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

test(`a folder of ${N} messages: SELECT and UID FETCH 1:* (FLAGS) without reading a body`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'recapito-large-'));
  const store = await openStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.accounts.addDomain('pec.example.test');
  const m = await store.accounts.addMailbox({ address: USER, type: 'standard', passwordHash: await hashPassword(PASS), quotaBytes: 1e12, limits: DEFAULT_LIMITS.standard });
  const blob = await store.blobs.put([Buffer.from('From: a@pec.example.test\r\nSubject: uno dei tanti\r\n\r\ncorpo\r\n')]);
  const started = Date.now();
  for (let i = 0; i < N; i += 10_000) {
    await store.mailboxes.appendMany(m.id, 'INBOX', Array.from({ length: 10_000 }, (_, k) => ({ blob, internalDate: new Date(), flags: (i + k) % 2 ? ['\\Seen'] : [] })));
  }
  t.diagnostic(`filled ${N} messages in ${Date.now() - started} ms`);

  let blobReads = 0;
  const b = store.blobs;
  const blobs = { put: b.put.bind(b), has: b.has.bind(b), delete: b.delete.bind(b), get: (id: string) => (blobReads++, b.get(id)), head: (id: string, n: number) => (blobReads++, b.head(id, n)) };
  const counting = { accounts: store.accounts, mailboxes: store.mailboxes, blobs } as unknown as Store;
  const { key, cert, certPath } = tlsMaterial();
  const listener = createImapListener({ mode: 'imaps', tls: { key, cert }, hostname: 'localhost', backend: imapBackend(counting, silentLogger) });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.after(() => listener.close());

  const heapBefore = process.memoryUsage().heapUsed;
  const r = await python([String(port), certPath, USER, PASS]);
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out) as { exists: number; fetched: number; seen: number; last: string; select_s: number; fetch_s: number };
  assert.equal(res.exists, N);
  assert.equal(res.fetched, N);
  assert.equal(res.seen, N / 2, 'flags come from the store as stored');
  assert.match(res.last, new RegExp(`^${N} \\(UID ${N} FLAGS \\(\\\\Seen\\)\\)$`));
  assert.equal(blobReads, 0, 'no message body was read');
  t.diagnostic(`SELECT ${(res.select_s * 1000).toFixed(0)} ms, UID FETCH 1:* (FLAGS) ${(res.fetch_s * 1000).toFixed(0)} ms, server heap after ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB above before`);
});
