// Shared pieces of the copy-engine tests: a Recapito IMAP server on loopback (memory backend),
// a real store for the identity map, a small mailbox with the awkward cases, and a reader that
// lists a mailbox's messages by folder with their sha256 (through a plain endpoint session).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createImapListener, ImapBackendError, type ImapAccount, type ImapBackend, type ImapBackendErrorCode } from '../../imap/src/index.ts';
import { memoryBackend, memoryUser, type MemoryUser } from '../../imap/test/memory-backend.ts';
import { tlsMaterial } from '../../smtp/test/helpers.ts';
import { openStore } from '../../store/src/index.ts';
import { bindJob, DataSession, openEndpoint, parseEndpoint, type Connect, type CopyOptions, type DataConnect, type ImapEndpoint, type JobMap, type MailboxJob } from '../src/index.ts';

export const SRC = 'vecchia@pec.example.test';
export const DST = 'nuova@pec.example.test';
export const PASSWORD = 'Segreta.1';
const CRLF = '\r\n';

export interface Pair { connect(user: string): Connect; data(user: string): DataConnect; users: Record<string, MemoryUser>; port: number; ca: string }

/** A job copying SRC into DST over `pair`. */
export function mailboxJob(pair: Pair, map: JobMap, options: CopyOptions): MailboxJob {
  return { source: 'src', destination: 'dst', connectSource: pair.connect(SRC), connectDest: pair.connect(DST), dataSource: pair.data(SRC), dataDest: pair.data(DST), map, options };
}

/** One Recapito IMAPS listener over a memory backend holding both users. */
export async function recapitoPair(t: TestContext, opts: { destQuotaBytes?: number; refuse?: Refuse } = {}): Promise<Pair> {
  const { key, cert } = tlsMaterial();
  const users = { [SRC]: memoryUser(PASSWORD), [DST]: memoryUser(PASSWORD, opts.destQuotaBytes ? { quotaBytes: opts.destQuotaBytes } : {}) };
  const backend = opts.refuse ? refusing(memoryBackend(users), opts.refuse) : memoryBackend(users);
  const listener = createImapListener({ mode: 'imaps', tls: { key, cert }, hostname: 'imap.test.example', backend });
  const { port } = await listener.listen(0, '127.0.0.1');
  t.after(() => listener.close());
  const url = (user: string) => parseEndpoint(`imaps://${encodeURIComponent(user)}@127.0.0.1:${port}`);
  return {
    users, port, ca: cert,
    connect: (user) => () => openEndpoint(url(user), PASSWORD, { ca: cert }),
    data: (user) => () => DataSession.open(url(user), PASSWORD, { ca: cert }),
  };
}

/** Says why the destination refuses a message, or nothing to accept it. */
export type Refuse = (bytes: Uint8Array) => ImapBackendErrorCode | undefined;

/** The destination user's APPENDs go through `refuse` first (a group fails whole, RFC 3502). */
function refusing(backend: ImapBackend, refuse: Refuse): ImapBackend {
  const check = (bytes: Uint8Array): void => {
    const code = refuse(bytes);
    if (code) throw new ImapBackendError(code, `refused for the test: ${code}`);
  };
  return {
    ...backend,
    async authenticate(user, password, info) {
      const r = await backend.authenticate(user, password, info);
      if (!r.ok || user !== DST) return r;
      const account = r.account;
      const wrapped: Partial<ImapAccount> = {
        append: (id, bytes, flags, date) => { check(bytes); return account.append(id, bytes, flags, date); },
        appendMany: (id, items) => { for (const i of items) check(i.bytes); return account.appendMany(id, items); },
      };
      // The account keeps private state: every other method runs on it, bound.
      const bound = (v: unknown): unknown => (typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(account) : v);
      return { ...r, account: new Proxy(account, { get: (target, prop) => (prop in wrapped ? wrapped[prop as keyof ImapAccount] : bound(Reflect.get(target, prop))) }) };
    },
  };
}

/** A job map over a fresh SQLite store. */
export async function freshMap(t: TestContext, key = 'job'): Promise<JobMap> {
  const dir = await mkdtemp(join(tmpdir(), 'migrate-map-'));
  const store = await openStore({ dataDir: dir });
  t.after(async () => { await store.close(); await rm(dir, { recursive: true, force: true }); });
  const job = await store.migrations.openJob(key, 'src', 'dst');
  return bindJob(store.migrations, job.id);
}

export interface Msg { folder: string; bytes: Buffer; flags: string[]; date: Date }

export function message(n: number, opts: { id?: boolean; body?: string } = {}): Buffer {
  const head = [`From: Mittente ${n} <m${n}@example.test>`, 'To: vecchia@pec.example.test', `Subject: =?UTF-8?Q?Messaggio_n=C2=B0_${n}?=`,
    `Date: Mon, 1 Jun 2020 10:${String(n % 60).padStart(2, '0')}:00 +0200`];
  if (opts.id !== false) head.push(`Message-ID: <m${n}@example.test>`);
  return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', opts.body ?? `Città n. ${n}: perché sì.`, ''].join(CRLF), 'utf8');
}

/** INBOX, Sent and a non-ASCII nested folder; a duplicate and messages without Message-ID. */
export function sampleMailbox(): Msg[] {
  const at = (d: number): Date => new Date(Date.UTC(2021, 0, d, 9, 30));
  const dup = message(3);
  return [
    { folder: 'INBOX', bytes: message(1), flags: ['\\Seen'], date: at(1) },
    { folder: 'INBOX', bytes: message(2, { id: false }), flags: ['\\Flagged', '$Label1'], date: at(2) },
    { folder: 'INBOX', bytes: dup, flags: [], date: at(3) },
    { folder: 'INBOX', bytes: dup, flags: [], date: at(3) },
    { folder: 'INBOX', bytes: message(4, { id: false }), flags: ['Protocollato'], date: at(4) },
    { folder: 'Sent', bytes: message(5), flags: ['\\Seen', '\\Answered'], date: at(5) },
    { folder: 'Clienti/Società Rossi', bytes: message(6), flags: ['\\Seen', '$Forwarded'], date: at(6) },
    { folder: 'Clienti/Società Rossi', bytes: message(7, { body: 'x'.repeat(300_000) }), flags: [], date: at(7) },
  ];
}

/** Puts `msgs` into `user`'s mailbox: folders created over a general session, messages appended over a data session. */
export async function fill(pair: Pair, user: string, msgs: readonly Msg[]): Promise<void> {
  const e = await pair.connect(user)();
  try {
    for (const f of new Set(msgs.map((m) => m.folder))) await e.createFolder(f);
  } finally {
    await e.close();
  }
  const d = await pair.data(user)();
  try {
    for (const m of msgs) await d.append(m.folder, [{ bytes: m.bytes, flags: m.flags, internalDate: m.date }]);
  } finally {
    await d.close();
  }
}

export interface Seen { sha256: string; flags: string[]; date: number }

/** Every message of every folder of `user`: sha256, sorted lower-case flags, INTERNALDATE. */
export async function readAll(pair: Pair, user: string): Promise<Map<string, Seen[]>> {
  const e: ImapEndpoint = await pair.connect(user)();
  const folders = await e.listFolders().finally(() => e.close());
  const d = await pair.data(user)();
  const out = new Map<string, Seen[]>();
  try {
    for (const f of folders) {
      if (f.attributes.some((a) => a.toLowerCase() === '\\noselect')) continue;
      await d.examine(f.name);
      const metas = await d.listMessages(f.name);
      const bytes = new Map<number, Uint8Array>();
      for await (const m of d.fetchRawMany(f.name, metas.map((m) => m.uid))) bytes.set(m.uid, m.bytes);
      out.set(f.name, metas.map((m) => ({ sha256: sha(Buffer.from(bytes.get(m.uid)!)), flags: m.flags.map((x) => x.toLowerCase()).sort(), date: m.internalDate.getTime() })));
    }
  } finally {
    await d.close();
  }
  return out;
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export const defaults: CopyOptions = { mark: '$Migrated', rules: [], backoffMs: 10 };
