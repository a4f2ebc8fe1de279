/**
 * Loading the generated mailbox into a server (pipelined APPENDs with LITERAL+, in order, so
 * message i gets UID i+1 on both servers) and the single-client measurements: LOGIN+SELECT,
 * FETCH of all FLAGS, FETCH of all bodies, each checked against what was appended.
 */
import { ImapClient, ImapError } from './client.ts';
import { message } from './generate.ts';
import type { BenchServer } from './servers.ts';

export interface Expected {
  readonly seed: number;
  readonly n: number;
  /** Size of message i (UID i+1). */
  readonly sizes: number[];
  /** Flags of message i, lower case, sorted, joined by spaces. */
  readonly flags: string[];
  readonly total: number;
}

export const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const flagKey = (flags: readonly string[]): string =>
  flags.map((f) => f.toLowerCase()).filter((f) => f !== '\\recent').sort().join(' ');

export function expected(seed: number, n: number): Expected {
  const sizes: number[] = [];
  const flags: string[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = message(seed, n, i);
    sizes.push(m.bytes.length);
    flags.push(flagKey(m.flags));
    total += m.bytes.length;
  }
  return { seed, n, sizes, flags, total };
}

export async function session(s: BenchServer): Promise<ImapClient> {
  const c = await ImapClient.connect(s.endpoint);
  await c.login(s.user, s.password);
  await c.select('INBOX');
  return c;
}

export interface LoadResult { readonly seconds: number; readonly failures: string[] }

/** APPENDs messages 0..n-1 on one connection, `window` commands in flight. */
export async function load(s: BenchServer, exp: Expected, progress: (line: string) => void, window = 32): Promise<LoadResult> {
  const c = await ImapClient.connect(s.endpoint);
  await c.login(s.user, s.password);
  let caps = '';
  await c.ok('CAPABILITY', (u) => (caps += u.text));
  if (!/\bLITERAL\+/i.test(caps)) throw new ImapError(`${s.name} does not offer LITERAL+`);
  const failures: string[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  let outstanding = 0;
  let done = 0;
  let bytes = 0;
  let last = 0;
  for (let i = 0; i < exp.n; i++) {
    const m = message(exp.seed, exp.n, i);
    outstanding += m.bytes.length;
    const p: Promise<void> = c.append('INBOX', m.flags, m.date, m.bytes).then((r) => {
      done++;
      bytes += m.bytes.length;
      outstanding -= m.bytes.length;
      inFlight.delete(p);
      if (r.status !== 'OK' && ++failed <= 10) failures.push(`message ${i}: ${r.text.trim()}`);
    });
    inFlight.add(p);
    while (inFlight.size >= window || outstanding > 32 << 20) await Promise.race(inFlight);
    const now = performance.now();
    if (now - last > 2000) {
      last = now;
      progress(`  loading ${s.name}: ${done}/${exp.n} messages, ${(bytes / 1e6).toFixed(0)} MB, ${(bytes / 1e6 / ((now - t0) / 1000)).toFixed(1)} MB/s`);
    }
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  if (failed > failures.length) failures.push(`${failed} APPENDs failed in all`);
  const box = await c.select('INBOX');
  if (box.exists !== exp.n) failures.push(`after loading, SELECT says ${box.exists} messages (expected ${exp.n})`);
  if (box.uidNext !== exp.n + 1) failures.push(`after loading, UIDNEXT is ${box.uidNext} (expected ${exp.n + 1})`);
  await c.logout();
  return { seconds, failures };
}

/** Median over fresh connections of LOGIN+SELECT and of SELECT alone, ms. */
export async function loginSelect(s: BenchServer, runs: number): Promise<{ loginSelect: number; select: number; samples: number[] }> {
  const both: number[] = [];
  const sel: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = await ImapClient.connect(s.endpoint);
    const t0 = performance.now();
    await c.login(s.user, s.password);
    const t1 = performance.now();
    await c.select('INBOX');
    const t2 = performance.now();
    both.push(t2 - t0);
    sel.push(t2 - t1);
    await c.logout();
  }
  return { loginSelect: median(both), select: median(sel), samples: both };
}

export interface FetchResult {
  readonly ms: number;
  readonly samples: number[];
  readonly messages: number;
  readonly bytes: number;
  /** Messages whose flags (or size) differ from what was appended. */
  readonly mismatches: number;
  readonly example?: string;
}

async function fetchAll(c: ImapClient, cmd: string, check: (uid: number, text: string) => string | undefined): Promise<Omit<FetchResult, 'samples'>> {
  let mismatches = 0;
  let example: string | undefined;
  const r = await c.ok(cmd, (u) => {
    const uid = /\bUID (\d+)/i.exec(u.text);
    const bad = uid ? check(Number(uid[1]), u.text) : 'no UID in the response';
    if (bad !== undefined) {
      mismatches++;
      example ??= `${bad}: ${u.text.slice(0, 200).trim()}`;
    }
  });
  return { ms: r.ms, messages: r.fetches, bytes: r.literalBytes, mismatches, ...(example ? { example } : {}) };
}

/** `UID FETCH 1:* (FLAGS)`, median of `runs`, flags checked against the appended ones. */
export async function fetchFlags(s: BenchServer, exp: Expected, runs: number): Promise<FetchResult> {
  const c = await session(s);
  const all: Omit<FetchResult, 'samples'>[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await fetchAll(c, 'UID FETCH 1:* (FLAGS)', (uid, text) => {
      const f = /FLAGS \(([^)]*)\)/i.exec(text);
      const got = flagKey(f?.[1]?.split(' ').filter(Boolean) ?? []);
      return got === exp.flags[uid - 1] ? undefined : `UID ${uid}: expected (${exp.flags[uid - 1]}), got (${got})`;
    }));
  }
  await c.logout();
  const samples = all.map((a) => a.ms);
  return { ...all[0]!, ms: median(samples), samples };
}

/** `UID FETCH 1:* (BODY.PEEK[])`: bytes counted, each size checked; again while under 10 s. */
export async function fetchBodies(s: BenchServer, exp: Expected, runs: number): Promise<FetchResult> {
  const c = await session(s);
  const all: Omit<FetchResult, 'samples'>[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await fetchAll(c, 'UID FETCH 1:* (BODY.PEEK[])', (uid, text) => {
      const size = /BODY\[\] \{(\d+)\}/i.exec(text);
      return size && Number(size[1]) === exp.sizes[uid - 1] ? undefined : `UID ${uid}: expected ${exp.sizes[uid - 1]} bytes`;
    }));
    if (all[0]!.ms > 10_000) break;
  }
  await c.logout();
  const samples = all.map((a) => a.ms);
  return { ...all[0]!, ms: median(samples), samples };
}
