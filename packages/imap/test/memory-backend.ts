// An in-memory account backend for the IMAP server's own tests: the same semantics as the
// store (UIDs never reused, one modseq per change, expunge tombstones, quota, read-only).
import { ImapBackendError, type ImapAccount, type ImapBackend, type ImapFolder, type ImapMessage } from '../src/index.ts';

interface Msg { uid: number; bytes: Uint8Array; flags: string[]; internalDate: Date; modseq: number }
interface Fold { id: number; name: string; specialUse: string | null; uidValidity: number; uidNext: number; modseq: number; msgs: Map<number, Msg>; gone: Array<[number, number]> }

export interface MemoryUser { password: string; readOnly: boolean; quotaBytes: number; folders: Map<string, Fold>; subs: Set<string> }

let nextId = 1;
let validity = 1_700_000_000;

function newFolder(name: string, specialUse: string | null = null): Fold {
  return { id: nextId++, name, specialUse, uidValidity: validity++, uidNext: 1, modseq: 1, msgs: new Map(), gone: [] };
}

export function memoryUser(password: string, opts: { quotaBytes?: number } = {}): MemoryUser {
  const folders = new Map<string, Fold>();
  for (const [n, u] of [['INBOX', null], ['Sent', '\\Sent'], ['Trash', '\\Trash']] as const) folders.set(n, newFolder(n, u));
  return { password, readOnly: false, quotaBytes: opts.quotaBytes ?? 1e12, folders, subs: new Set() };
}

const info = (f: Fold): ImapFolder => ({ id: f.id, name: f.name, specialUse: f.specialUse, uidValidity: f.uidValidity, uidNext: f.uidNext, highestModseq: f.modseq });
const meta = (m: Msg): ImapMessage => ({ uid: m.uid, size: m.bytes.length, internalDate: m.internalDate, flags: [...m.flags], modseq: m.modseq });
const has = (flags: string[], f: string): boolean => flags.some((x) => x.toLowerCase() === f.toLowerCase());

class MemoryAccount implements ImapAccount {
  constructor(readonly user: string, private readonly u: MemoryUser) {}
  #byId(id: number): Fold {
    for (const f of this.u.folders.values()) if (f.id === id) return f;
    throw new ImapBackendError('NONEXISTENT', 'no folder');
  }
  #w(): void {
    if (this.u.readOnly) throw new ImapBackendError('READ-ONLY', 'read-only');
  }
  #used(): number {
    let n = 0;
    for (const f of this.u.folders.values()) for (const m of f.msgs.values()) n += m.bytes.length;
    return n;
  }
  async isReadOnly() { return this.u.readOnly; }
  async listFolders() { return [...this.u.folders.values()].map(info); }
  async getFolder(name: string) { const f = this.u.folders.get(name); return f && info(f); }
  async getFolderById(id: number) { try { return info(this.#byId(id)); } catch { return undefined; } }
  async createFolder(name: string) {
    this.#w();
    if (this.u.folders.has(name)) throw new ImapBackendError('ALREADYEXISTS', 'exists');
    this.u.folders.set(name, newFolder(name));
  }
  async deleteFolder(name: string) { this.#w(); if (!this.u.folders.delete(name)) throw new ImapBackendError('NONEXISTENT', 'no folder'); }
  async renameFolder(from: string, to: string) {
    this.#w();
    for (const [n, f] of [...this.u.folders]) {
      if (n !== from && !n.startsWith(`${from}/`)) continue;
      const nn = to + n.slice(from.length);
      this.u.folders.delete(n);
      f.name = nn;
      this.u.folders.set(nn, f);
    }
    if (from === 'INBOX') this.u.folders.set('INBOX', newFolder('INBOX'));
  }
  async subscriptions() { return [...this.u.subs]; }
  async setSubscribed(name: string, on: boolean) { if (on) this.u.subs.add(name); else this.u.subs.delete(name); }
  async status(id: number) { const f = this.#byId(id); return { messages: f.msgs.size, unseen: [...f.msgs.values()].filter((m) => !has(m.flags, '\\Seen')).length }; }
  async messages(id: number, uids?: readonly number[]) {
    const f = this.#byId(id);
    const list = uids ? uids.map((u) => f.msgs.get(u)).filter((m): m is Msg => !!m) : [...f.msgs.values()];
    return list.sort((a, b) => a.uid - b.uid).map(meta);
  }
  async read(id: number, uid: number) {
    const m = this.#byId(id).msgs.get(uid);
    if (!m) throw new ImapBackendError('NONEXISTENT', 'expunged');
    return m.bytes;
  }
  async readHeader(id: number, uid: number) {
    const b = Buffer.from(await this.read(id, uid));
    const end = b.indexOf('\r\n\r\n');
    return end < 0 ? b : b.subarray(0, end + 4);
  }
  async append(id: number, bytes: Uint8Array, flags: readonly string[], internalDate: Date) {
    this.#w();
    if (this.#used() + bytes.length > this.u.quotaBytes) throw new ImapBackendError('OVERQUOTA', 'quota');
    const f = this.#byId(id);
    const uid = f.uidNext++;
    f.msgs.set(uid, { uid, bytes: Uint8Array.from(bytes), flags: [...new Set(flags)], internalDate, modseq: ++f.modseq });
    return { uidValidity: f.uidValidity, uid };
  }
  async appendMany(id: number, items: readonly { bytes: Uint8Array; flags: readonly string[]; internalDate: Date }[]) {
    this.#w();
    if (this.#used() + items.reduce((n, i) => n + i.bytes.length, 0) > this.u.quotaBytes) throw new ImapBackendError('OVERQUOTA', 'quota');
    const uids: number[] = [];
    let uidValidity = 0;
    for (const i of items) {
      const r = await this.append(id, i.bytes, i.flags, i.internalDate);
      uids.push(r.uid);
      uidValidity = r.uidValidity;
    }
    return { uidValidity, uids };
  }
  async storeFlags(id: number, uids: readonly number[], op: 'set' | 'add' | 'remove', flags: readonly string[], since?: number) {
    this.#w();
    const f = this.#byId(id);
    const changed: ImapMessage[] = [];
    const modified: number[] = [];
    for (const uid of uids) {
      const m = f.msgs.get(uid);
      if (!m) continue;
      if (since !== undefined && m.modseq > since) { modified.push(uid); continue; }
      const next = op === 'set' ? [...flags] : op === 'add' ? [...m.flags, ...flags.filter((x) => !has(m.flags, x))] : m.flags.filter((x) => !has([...flags], x));
      if (next.length === m.flags.length && next.every((x) => has(m.flags, x))) continue;
      m.flags = next;
      m.modseq = ++f.modseq;
      changed.push(meta(m));
    }
    return { changed, modified };
  }
  async expunge(id: number, uids?: readonly number[]) {
    this.#w();
    const f = this.#byId(id);
    const out: number[] = [];
    for (const m of [...f.msgs.values()].sort((a, b) => a.uid - b.uid)) {
      if (!has(m.flags, '\\Deleted') || (uids && !uids.includes(m.uid))) continue;
      f.msgs.delete(m.uid);
      f.gone.push([m.uid, ++f.modseq]);
      out.push(m.uid);
    }
    return out;
  }
  async copy(id: number, uids: readonly number[], destId: number, move: boolean) {
    this.#w();
    const src = this.#byId(id);
    const dst = this.#byId(destId);
    const mapping: Array<[number, number]> = [];
    for (const uid of uids) {
      const m = src.msgs.get(uid);
      if (!m) continue;
      const nu = dst.uidNext++;
      dst.msgs.set(nu, { ...m, uid: nu, flags: [...m.flags], modseq: ++dst.modseq });
      mapping.push([uid, nu]);
      if (move) { src.msgs.delete(uid); src.gone.push([uid, ++src.modseq]); }
    }
    return { uidValidity: dst.uidValidity, mapping };
  }
  async changesSince(id: number, modseq: number) {
    const f = this.#byId(id);
    return {
      folder: info(f),
      changed: [...f.msgs.values()].filter((m) => m.modseq > modseq).sort((a, b) => a.uid - b.uid).map(meta),
      expunged: f.gone.filter(([, s]) => s > modseq).map(([u]) => u),
    };
  }
  async quota() { return { usedBytes: this.#used(), limitBytes: this.u.quotaBytes }; }
}

export function memoryBackend(users: Record<string, MemoryUser>): ImapBackend {
  return {
    async authenticate(user, password) {
      const u = users[user];
      if (!u || u.password !== password) return { ok: false, code: 'AUTHENTICATIONFAILED', message: 'Invalid credentials' };
      return { ok: true, account: new MemoryAccount(user, u) };
    },
  };
}
