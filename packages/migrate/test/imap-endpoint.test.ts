// The general session (ImapEndpoint) and the data session (DataSession) against real servers on
// loopback: Recapito's own IMAP server (in-process, memory backend) and a private Dovecot.
// Appended bytes, flags and INTERNALDATE must come back exactly, and reading (EXAMINE,
// BODY.PEEK) must leave the source untouched.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { createImapListener } from '../../imap/src/index.ts';
import { memoryBackend, memoryUser } from '../../imap/test/memory-backend.ts';
import { tlsMaterial } from '../../smtp/test/helpers.ts';
import { dovecotAvailable, startDovecot } from '../../../apps/recapito/test/interop/dovecot.ts';
import { DataSession, MigrateError, openEndpoint, parseEndpoint, type ImapEndpoint, type OpenOptions } from '../src/index.ts';

const USER = 'utente@pec.example.test';

interface Server { imaps: number; imap: number; password: string; ca: string }

async function recapito(t: TestContext): Promise<Server> {
  const { key, cert } = tlsMaterial();
  const backend = memoryBackend({ [USER]: memoryUser('Segreta.1') });
  const ports: number[] = [];
  for (const mode of ['imaps', 'imap-starttls'] as const) {
    const listener = createImapListener({ mode, tls: { key, cert }, hostname: 'imap.test.example', backend });
    ports.push((await listener.listen(0, '127.0.0.1')).port);
    t.after(() => listener.close());
  }
  return { imaps: ports[0]!, imap: ports[1]!, password: 'Segreta.1', ca: cert };
}

async function dovecot(t: TestContext): Promise<Server> {
  const d = await startDovecot({ users: [USER] });
  t.after(() => d.stop());
  return { imaps: d.ports.imaps, imap: d.ports.imap, password: d.password, ca: readFileSync(d.caFile, 'utf8') };
}

const targets = [
  { name: 'Recapito', start: recapito, skip: false },
  { name: 'Dovecot', start: dovecot, skip: !dovecotAvailable() && 'dovecot is not installed' },
];

const CRLF = '\r\n';
const multipart = Buffer.from([
  'From: Mittente <mittente@example.test>', 'To: utente@pec.example.test', 'Subject: =?UTF-8?Q?Prova_=C3=A0?=',
  'Message-ID: <multi.1@example.test>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
  '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Città, perché: 8-bit body.', '',
  '--b1', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', Buffer.from('binario\x00\x01').toString('base64'), '',
  '--b1--', '',
].join(CRLF), 'utf8');
const big = Buffer.concat([
  Buffer.from(`From: a@example.test${CRLF}Message-ID: <big.2@example.test>${CRLF}Subject: grande${CRLF}${CRLF}`),
  Buffer.from(Array.from({ length: 2 * 1024 * 1024 / 78 + 1 }, (_, i) => `${String(i).padStart(8, '0')} ${'x'.repeat(67)}${CRLF}`).join('')),
]);
const noId = Buffer.from(`From: a@example.test${CRLF}Subject: senza Message-ID${CRLF}${CRLF}Corpo.${CRLF}`);
const sent = Buffer.from(`From: utente@pec.example.test${CRLF}Message-ID: <sent.3@example.test>${CRLF}Subject: inviata${CRLF}${CRLF}Ciao.${CRLF}`);

const NESTED = 'Posta inviata/Città';
const cases = [
  { folder: 'INBOX', bytes: multipart, flags: ['\\Answered', '$Label1', 'Importante'], date: new Date('2023-03-04T05:06:07Z'), id: '<multi.1@example.test>' },
  { folder: 'INBOX', bytes: big, flags: ['\\Flagged'], date: new Date('2020-01-31T23:59:59Z'), id: '<big.2@example.test>' },
  { folder: 'INBOX', bytes: noId, flags: [], date: new Date('2024-02-29T12:00:00Z'), id: null },
  { folder: NESTED, bytes: sent, flags: ['\\Seen', '$Forwarded'], date: new Date('2019-07-01T08:30:00Z'), id: '<sent.3@example.test>' },
];

const sorted = (a: readonly string[]): string[] => [...a].map((f) => f.toLowerCase()).sort();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof MigrateError, String(err));
    assert.ok(!err.message.includes('Sbagliata.9'), 'the password never appears in a message');
    return err.code;
  }
  return 'resolved';
}

for (const target of targets) {
  test(`ImapEndpoint against ${target.name}`, { skip: target.skip }, async (t) => {
    const srv = await target.start(t);
    const imaps = parseEndpoint(`imaps://${encodeURIComponent(USER)}@127.0.0.1:${srv.imaps}`);
    const imap = parseEndpoint(`imap://${encodeURIComponent(USER)}@127.0.0.1:${srv.imap}`);
    const opts: OpenOptions = { ca: srv.ca, logger: false };
    const opened: ImapEndpoint[] = [];
    const open = async (e = imaps, o = opts): Promise<ImapEndpoint> => {
      const ep = await openEndpoint(e, srv.password, o);
      opened.push(ep);
      return ep;
    };
    t.after(async () => { for (const ep of opened) await ep.close(); });

    await t.test('connect: imaps with the CA, imap with STARTTLS, failures mapped', async () => {
      const a = await open();
      assert.ok(a.secure);
      assert.ok(a.capabilities().has('UIDPLUS'));
      const b = await open(imap, opts);
      assert.ok(b.secure, 'STARTTLS was used');
      assert.ok((await open(imap, { ...opts, allowPlaintext: true })).secure, 'STARTTLS is used when offered, with allowPlaintext too');
      assert.equal(await codeOf(openEndpoint(imaps, 'Sbagliata.9', opts)), 'AUTH_FAILED');
      assert.equal(await codeOf(openEndpoint(imaps, srv.password, { logger: false })), 'TLS_FAILED');
      assert.ok((await open(imaps, { insecure: true })).secure, 'insecure accepts the self-signed certificate');
      const closed = parseEndpoint(`imaps://x@127.0.0.1:1`);
      assert.equal(await codeOf(openEndpoint(closed, 'x', opts)), 'CONNECT_FAILED');
    });

    await t.test('data session: append, examine, list, fetch, digests: exact bytes, flags and dates, source untouched', async () => {
      const general = await open();
      await general.createFolder(NESTED);
      await general.createFolder(NESTED); // again: no error
      const folders = await general.listFolders();
      const byName = new Map(folders.map((f) => [f.name, f]));
      assert.ok(byName.get(NESTED), `decoded non-ASCII name in ${[...byName.keys()].join(', ')}`);
      assert.equal(byName.get(NESTED)!.delimiter, '/');
      assert.ok(folders.some((f) => f.attributes.includes('\\Sent')), 'special-use attributes are listed');

      const dest = await DataSession.open(imaps, srv.password, opts);
      t.after(() => dest.close());
      const appended = new Map<string, (typeof cases)[number]>();
      const validity = new Map<string, number>();
      for (const c of cases) {
        const [r] = await dest.append(c.folder, [{ bytes: c.bytes, flags: c.flags, internalDate: c.date }]);
        assert.ok(r!.uid !== null && r!.uidValidity !== null, 'APPENDUID (UIDPLUS)');
        assert.deepEqual(r!.droppedFlags, []);
        validity.set(c.folder, r!.uidValidity!);
        appended.set(`${c.folder}#${r!.uid}`, c);
      }

      const src = await DataSession.open(imaps, srv.password, opts);
      t.after(() => src.close());
      for (const folder of ['INBOX', NESTED]) {
        const want = cases.filter((c) => c.folder === folder);
        const state = await src.examine(folder);
        assert.equal(state.exists, want.length);
        assert.equal(state.uidValidity, validity.get(folder), 'APPENDUID names the folder\'s UIDVALIDITY');
        const msgs = await src.listMessages(folder);
        assert.deepEqual(msgs.map((m) => m.uid), [...msgs.map((m) => m.uid)].sort((a, b) => a - b));
        assert.equal(msgs.length, want.length);
        const raw = new Map<number, Uint8Array>();
        for await (const m of src.fetchRawMany(folder, [...msgs.map((m) => m.uid), 999_999])) raw.set(m.uid, m.bytes);
        assert.equal(raw.size, want.length, 'a UID that is not there is simply not returned');
        const digests = new Map<number, { size: number; sha256: string; whole: Buffer | null }>();
        for await (const m of src.fetchDigests(folder, msgs.map((m) => m.uid), (head) => head.includes('<multi.1@'))) digests.set(m.uid, m.digest);
        for (const [i, m] of msgs.entries()) {
          const c = want[i]!;
          assert.equal(appended.get(`${folder}#${m.uid}`), c, 'UIDs agree with APPENDUID');
          assert.equal(m.size, c.bytes.length);
          assert.deepEqual(sorted(m.flags), sorted(c.flags));
          assert.equal(m.internalDate.getTime(), c.date.getTime());
          assert.ok(Buffer.from(raw.get(m.uid)!).equals(c.bytes), `bytes of UID ${m.uid} identical`);
          const d = digests.get(m.uid)!;
          assert.deepEqual([d.size, d.sha256], [c.bytes.length, createHash('sha256').update(c.bytes).digest('hex')]);
          assert.equal(d.whole !== null, c.id === '<multi.1@example.test>', 'kept whole only when asked');
        }
        const again = await src.listMessages(folder);
        assert.deepEqual(again.map((m) => sorted(m.flags)), msgs.map((m) => sorted(m.flags)), 'reading set no \\Seen');
      }
      const q = await general.quota();
      assert.ok(q && q.usedBytes > 0 && q.limitBytes > q.usedBytes, JSON.stringify(q));
    });
  });
}
