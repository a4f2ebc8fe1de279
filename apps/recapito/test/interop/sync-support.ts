/**
 * For the synchronizer tests (mbsync, offlineimap): filling a server mailbox and reading it
 * back (clients/mailbox.py), reading a Maildir tree, and comparing messages byte for byte.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { TestContext } from 'node:test';
import { python, tempDir } from './harness.ts';
import type { Target } from './targets.ts';

export interface Entry { sha256: string; size: number; flags: string[]; id: string | null; file?: string }
/** Folder name (Unicode, `/` separated) → messages in UID order. */
export interface Manifest { folders: Record<string, Entry[]> }

/** Several folders (one non-ASCII, nested ones, special-use ones), flags, one message of `bigMb` MB. */
export async function fill(target: Target, saveDir: string, bigMb = 5): Promise<Manifest> {
  return JSON.parse(await python('mailbox.py', target, ['fill', '--big-mb', String(bigMb), '--save', saveDir])) as Manifest;
}

/** The server's mailbox now; with saveDir, every message is also written to a file (entry.file). */
export async function dump(target: Target, saveDir?: string): Promise<Manifest> {
  return JSON.parse(await python('mailbox.py', target, ['dump', ...(saveDir ? ['--save', saveDir] : [])])) as Manifest;
}

/** Modified UTF-7 (RFC 3501 5.1.3) → Unicode, for folder names kept encoded on disk. */
export function mutf7Decode(name: string): string {
  return name.replace(/&([^-]*)-/g, (_m, b64: string) => {
    if (b64 === '') return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes.readUInt16BE(i));
    return s;
  });
}

export interface MaildirMessage { readonly path: string; readonly flags: string; readonly bytes: Buffer }

/**
 * Every Maildir folder under root (a directory with cur/ and new/), named by `name(relative
 * path)`, with its messages (flags from the `:2,` info of the file name).
 */
export async function readMaildirs(root: string, name: (rel: string) => string): Promise<Map<string, MaildirMessage[]>> {
  const out = new Map<string, MaildirMessage[]>();
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir);
    if (entries.includes('cur') && entries.includes('new')) {
      const msgs: MaildirMessage[] = [];
      for (const sub of ['cur', 'new']) {
        for (const f of await readdir(join(dir, sub))) {
          const path = join(dir, sub, f);
          msgs.push({ path, flags: /:2,([A-Za-z]*)$/.exec(f)?.[1] ?? '', bytes: await readFile(path) });
        }
      }
      out.set(name(relative(root, dir).split(sep).join('/')), msgs);
    }
    for (const e of entries) {
      if (e === 'cur' || e === 'new' || e === 'tmp') continue;
      if ((await stat(join(dir, e))).isDirectory()) await walk(join(dir, e));
    }
  }
  await walk(root);
  return out;
}

const LETTERS: Record<string, string> = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' };

/** IMAP system flags → Maildir info letters (sorted, as Maildir wants them). */
export function maildirFlags(flags: readonly string[]): string {
  return flags.map((f) => LETTERS[f] ?? '').sort().join('');
}

export function messageId(bytes: Buffer): string | null {
  const head = bytes.subarray(0, Math.min(bytes.length, 64 * 1024)).toString('latin1');
  return /^Message-ID:\s*(<[^>\r\n]*>)/im.exec(head)?.[1] ?? null;
}

/** CRLF → LF: how Unix Maildirs keep messages (mbsync and offlineimap both convert). */
export function toLf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/**
 * `original` with one header line added at the end of its header, if `copy` has a header
 * `name:` there that the original lacks: the synchronizers add one (mbsync X-TUID, offlineimap
 * X-OfflineIMAP) to find a message again after propagating it. Nothing is removed from `copy`.
 */
export function withAddedHeader(original: Buffer, copy: Buffer, name: string): Buffer {
  const o = original.toString('latin1');
  const c = copy.toString('latin1');
  const eol = o.includes('\r\n') ? '\r\n' : '\n';
  const re = new RegExp(`^${name}: [^\\r\\n]*\\r?\\n`, 'im');
  const added = re.exec(c);
  if (!added || re.test(o)) return original;
  const end = o.indexOf(`${eol}${eol}`);
  if (end < 0) return original;
  const at = end + eol.length;
  return Buffer.from(o.slice(0, at) + added[0] + o.slice(at), 'latin1');
}

/** Every message of the manifest is in the Maildir, bytes as `expected` says, flags the same. */
async function assertPulled(manifest: Manifest, mail: string, expected: (original: Buffer, copy: Buffer) => Buffer): Promise<Map<string, MaildirMessage[]>> {
  const local = await readMaildirs(mail, mutf7Decode);
  for (const [folder, entries] of Object.entries(manifest.folders)) {
    const msgs = local.get(folder);
    assert.ok(msgs, `folder ${folder} not in the Maildir (has: ${[...local.keys()].join(', ')})`);
    assert.equal(msgs.length, entries.length, `${folder}: ${msgs.length} messages, expected ${entries.length}`);
    for (const e of entries) {
      const m: MaildirMessage | undefined = msgs.find((x) => messageId(x.bytes) === e.id);
      assert.ok(m, `${folder}: ${e.id} missing`);
      const want = expected(await readFile(e.file!), m.bytes);
      assert.ok(m.bytes.equals(want), `${folder}: ${e.id} differs (${m.bytes.length} bytes, expected ${want.length})`);
      assert.equal(m.flags, maildirFlags(e.flags), `${folder}: ${e.id} flags`);
    }
  }
  return local;
}

export interface Synchronizer {
  /** Writes the tool's configuration into dir (Maildir in dir/mail, its state under dir). */
  configure(target: Target, dir: string): Promise<void>;
  /** One full two-way run; throws if the tool fails. */
  sync(dir: string): Promise<void>;
  /** Pulled copy from the original (CRLF) bytes. */
  pulled(original: Buffer, copy: Buffer): Buffer;
  /** Uploaded message (as the server has it) from what was written in the Maildir (LF). */
  pushed(written: Buffer, uploaded: Buffer): Buffer;
}

const NEW_MESSAGE = Buffer.from('From: nuovo@pec.example.test\nTo: alice@pec.example.test\nSubject: Scritto nel Maildir\n'
  + 'Date: Thu, 05 Mar 2026 10:00:00 +0100\nMessage-ID: <nuovo-5@pec.example.test>\n\nCreato in locale, citt\u00e0.\n', 'utf8');

/**
 * The round trip both synchronizer tests make: fill the server; pull everything and compare;
 * flag one message, delete one and write a new one in the Maildir; sync; the server shows
 * exactly that; one more sync changes nothing.
 */
export async function roundTrip(t: TestContext, target: Target, tool: Synchronizer, name: string): Promise<void> {
  const tmp = await tempDir(name);
  try {
    const dir = tmp.path;
    for (const d of ['orig', 'mail', 'server']) await mkdir(join(dir, d));
    const manifest = await fill(target, join(dir, 'orig'));
    await tool.configure(target, dir);

    let started = Date.now();
    await tool.sync(dir);
    t.diagnostic(`pull: ${Date.now() - started} ms`);
    const local = await assertPulled(manifest, join(dir, 'mail'), tool.pulled);
    const specials = [...local.keys()].filter((f) => !(f in manifest.folders));
    assert.ok(specials.length >= 3, `the empty special-use folders come too: ${specials.join(', ')}`);

    const inbox = local.get('INBOX')!;
    const riunione = inbox.find((m) => messageId(m.bytes) === '<riunione-1@pec.example.test>')!;
    const allegato = inbox.find((m) => messageId(m.bytes) === '<allegato-2@pec.example.test>')!;
    await rename(riunione.path, riunione.path.replace(/:2,[A-Za-z]*$/, ':2,FS'));
    await rm(allegato.path);
    await writeFile(join(dir, 'mail', 'INBOX', 'new', '1772700000.P1Q1.interop'), NEW_MESSAGE);
    started = Date.now();
    await tool.sync(dir);
    t.diagnostic(`push: ${Date.now() - started} ms`);

    const server = await dump(target, join(dir, 'server'));
    const inboxNow = server.folders['INBOX'] ?? [];
    assert.deepEqual(inboxNow.map((e) => e.id).sort(), ['<nuovo-5@pec.example.test>', '<prova-3@pec.example.test>', '<riunione-1@pec.example.test>']);
    const byId = (id: string): Entry => inboxNow.find((e) => e.id === id)!;
    assert.deepEqual(byId('<riunione-1@pec.example.test>').flags, ['\\Flagged', '\\Seen']);
    const uploaded = await readFile(byId('<nuovo-5@pec.example.test>').file!);
    assert.ok(uploaded.equals(tool.pushed(NEW_MESSAGE, uploaded)), 'the new message reached the server as written');
    for (const [folder, entries] of Object.entries(manifest.folders)) {
      if (folder === 'INBOX') continue;
      assert.deepEqual(server.folders[folder]?.map((e) => [e.sha256, e.flags]), entries.map((e) => [e.sha256, e.flags]), folder);
    }

    await tool.sync(dir);
    const strip = (m: Manifest): Manifest => ({ folders: Object.fromEntries(Object.entries(m.folders).map(([k, v]) => [k, v.map(({ file: _f, ...e }) => e)])) });
    assert.deepEqual(await dump(target), strip(server), 'one more sync changes nothing');
  } finally {
    await tmp.remove();
  }
}
