/**
 * Checks a migrated mailbox with an independent reader (imap_dump.py: Python's imaplib, no code
 * shared with Recapito nor with the tools compared) against what was generated or against a dump
 * of the source. Messages are matched per folder as a multiset of exact bytes (sha256): a message
 * expected twice must be there exactly twice. A copy whose bytes changed is recognised by its
 * body and reported as altered, with the header fields added or removed, rather than as one
 * missing plus one extra message.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { GeneratedMessage } from './mailgen.ts';

export interface DumpEntry {
  uid: number; sha256: string; size: number; flags: string[]; internaldate: number;
  /** sha256 of what follows the header, and the header field names (lower case), in order. */
  body_sha256: string; header_names: string[];
}
export interface Dump { folders: Record<string, DumpEntry[]> }

export interface DumpTarget { host: string; port: number; user: string; password: string; tls?: 'ssl' | 'starttls' | 'none'; caFile?: string }

const SCRIPT = fileURLToPath(new URL('./imap_dump.py', import.meta.url));

/** Reads the whole mailbox (read-only); the password goes through the environment, never argv. */
export function dumpMailbox(target: DumpTarget, opts: { timeoutMs?: number } = {}): Promise<Dump> {
  const args = [SCRIPT, '--host', target.host, '--port', String(target.port), '--user', target.user, '--tls', target.tls ?? 'starttls',
    ...(target.caFile ? ['--cafile', target.caFile] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IMAP_DUMP_PASSWORD: target.password, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`imap_dump.py ${target.user}@${target.host}:${target.port} exited ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
      else resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Dump);
    });
  });
}

export interface CompareOptions {
  /** Source folder name → the name expected on the destination. */
  folderMap?: (src: string) => string;
  /** Keywords left out on both sides (e.g. one the migration adds on purpose). */
  ignoreKeywords?: string[];
  /** Default true. */
  checkFlags?: boolean;
  /** INTERNALDATE to the second; default true. */
  checkDates?: boolean;
  /** How many example lines per kind of problem (default 5). */
  examples?: number;
}

export interface CompareResult {
  /** Nothing missing, altered, duplicated nor extra. */
  ok: boolean;
  /** Messages present with the same bytes, flags and date. */
  identical: number;
  missing: number;
  /** Present once as expected, but other flags, date or bytes (reasons in `reasons`). */
  altered: number;
  /** Copies beyond the expected count of a message. */
  duplicated: number;
  /** Messages that match nothing expected in their folder. */
  extra: number;
  /** Why messages were altered: reason → number of messages. */
  reasons: Record<string, number>;
  details: string[];
}

interface Item { sha256: string; flags: string[]; date: number; body: () => string; names: () => string[]; label: string }

function headerOf(raw: Buffer): { body: string; names: string[] } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.subarray(0, end + 2);
  const names = [...head.toString('latin1').matchAll(/^([!-9;-~]+):/gm)].map((m) => m[1]!.toLowerCase());
  return { body: createHash('sha256').update(end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4)).digest('hex'), names };
}

function fromGenerated(msgs: GeneratedMessage[], map: (f: string) => string): Map<string, Item[]> {
  const out = new Map<string, Item[]>();
  for (const m of msgs) {
    const folder = map(m.folder);
    let h: ReturnType<typeof headerOf> | undefined;
    const lazy = (): ReturnType<typeof headerOf> => (h ??= headerOf(m.raw));
    const list = out.get(folder) ?? [];
    list.push({ sha256: m.sha256, flags: m.flags, date: Math.floor(m.internalDate.getTime() / 1000), body: () => lazy().body, names: () => lazy().names,
      label: `${folder} #${list.length + 1} (${m.raw.length} bytes)` });
    out.set(folder, list);
  }
  return out;
}

function fromDump(d: Dump, map: (f: string) => string): Map<string, Item[]> {
  const out = new Map<string, Item[]>();
  for (const [f, entries] of Object.entries(d.folders)) {
    const folder = map(f);
    out.set(folder, [...(out.get(folder) ?? []), ...entries.map((e) => ({ sha256: e.sha256, flags: e.flags, date: e.internaldate,
      body: () => e.body_sha256, names: () => e.header_names, label: `${folder} UID ${e.uid} (${e.size} bytes)` }))]);
  }
  return out;
}

/** The differences between an expected and an actual copy, as short reasons ("keyword NonJunk dropped"). */
function differences(e: Item, a: Item, o: CompareOptions, ignore: Set<string>): string[] {
  const why: string[] = [];
  if (e.sha256 !== a.sha256) {
    const en = e.names();
    const an = a.names();
    const count = (l: string[]): Map<string, number> => l.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
    const ec = count(en);
    const ac = count(an);
    for (const [n, c] of ac) if (c > (ec.get(n) ?? 0)) why.push(`bytes: header ${n} added`);
    for (const [n, c] of ec) if (c > (ac.get(n) ?? 0)) why.push(`bytes: header ${n} removed`);
    if (why.length === 0) why.push('bytes: header changed');
  }
  if (o.checkFlags !== false) {
    const ef = new Set(e.flags.filter((f) => !ignore.has(f)));
    const af = new Set(a.flags.filter((f) => !ignore.has(f)));
    const kind = (f: string): string => (f.startsWith('\\') ? 'flag' : 'keyword');
    for (const f of ef) if (!af.has(f)) why.push(`${kind(f)} ${f} dropped`);
    for (const f of af) if (!ef.has(f)) why.push(`${kind(f)} ${f} added`);
  }
  if (o.checkDates !== false && e.date !== a.date) why.push('internaldate changed');
  return why;
}

export function compareMailboxes(expected: GeneratedMessage[] | Dump, actual: Dump, opts: CompareOptions = {}): CompareResult {
  const map = opts.folderMap ?? ((f: string) => f);
  const exp = Array.isArray(expected) ? fromGenerated(expected, map) : fromDump(expected, map);
  const act = fromDump(actual, (f) => f);
  const ignore = new Set(opts.ignoreKeywords ?? []);
  const max = opts.examples ?? 5;
  const r: CompareResult = { ok: false, identical: 0, missing: 0, altered: 0, duplicated: 0, extra: 0, reasons: {}, details: [] };
  const shown: Record<string, number> = {};
  const note = (kind: string, line: string): void => {
    shown[kind] = (shown[kind] ?? 0) + 1;
    if (shown[kind]! <= max) r.details.push(`${kind}: ${line}`);
  };
  const altered = (e: Item, a: Item, why: string[]): void => {
    r.altered++;
    for (const w of why) r.reasons[w] = (r.reasons[w] ?? 0) + 1;
    note('altered', `${a.label}: ${why.join(', ')}`);
  };
  for (const folder of [...new Set([...exp.keys(), ...act.keys()])].sort()) {
    const want = exp.get(folder) ?? [];
    const have = act.get(folder) ?? [];
    if (want.length > 0 && !act.has(folder)) r.details.push(`folder missing: ${folder} (${want.length} messages)`);
    // Exact bytes first, preferring pairs whose flags and date agree too.
    const left: Item[] = [];
    const pool = new Map<string, Item[]>();
    for (const a of have) pool.set(a.sha256, [...(pool.get(a.sha256) ?? []), a]);
    const deferred: Item[] = [];
    for (const e of want) {
      const cands = pool.get(e.sha256) ?? [];
      const i = cands.findIndex((a) => differences(e, a, opts, ignore).length === 0);
      if (i >= 0) { cands.splice(i, 1); r.identical++; } else deferred.push(e);
    }
    for (const e of deferred) {
      const a = pool.get(e.sha256)?.shift();
      if (a) altered(e, a, differences(e, a, opts, ignore));
      else left.push(e);
    }
    // Then copies whose bytes changed but whose body is the same.
    const rest = [...pool.values()].flat();
    const byBody = new Map<string, Item[]>();
    for (const a of rest) byBody.set(a.body(), [...(byBody.get(a.body()) ?? []), a]);
    const used = new Set<Item>();
    for (const e of left) {
      const a = byBody.get(e.body())?.find((x) => !used.has(x));
      if (a) { used.add(a); altered(e, a, differences(e, a, opts, ignore)); } else { r.missing++; note('missing', `${e.label}`); }
    }
    let known: Set<string> | undefined;
    for (const a of rest) {
      if (used.has(a)) continue;
      known ??= new Set(want.flatMap((e) => [e.sha256, e.body()]));
      if (known.has(a.sha256) || known.has(a.body())) { r.duplicated++; note('duplicated', a.label); } else { r.extra++; note('extra', a.label); }
    }
  }
  for (const [kind, n] of Object.entries(shown)) if (n > max) r.details.push(`${kind}: … ${n - max} more`);
  r.ok = r.missing + r.altered + r.duplicated + r.extra === 0;
  return r;
}

/** One line: "5000 identical, 0 missing, …" plus the altered reasons. */
export function summary(c: CompareResult): string {
  const reasons = Object.entries(c.reasons).sort((a, b) => b[1] - a[1]).map(([w, n]) => `${n}× ${w}`);
  return `${c.identical} identical, ${c.missing} missing, ${c.altered} altered, ${c.duplicated} duplicated, ${c.extra} extra` +
    (reasons.length ? ` (${reasons.join('; ')})` : '');
}
