/**
 * What the interop tests share: running a client program without blocking the event loop (the
 * Recapito server runs in this process), running the Python scripts against a target, one
 * test per target, temp folders, and the comparison of two transcripts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import type { Difference } from './differences.ts';
import { TARGETS, TargetUnavailable, type Target } from './targets.ts';

export const CLIENTS = fileURLToPath(new URL('./clients/', import.meta.url));

export interface Ran { code: number; stdout: Buffer; stderr: string; ms: number }

/**
 * Runs a program in its own process group (killed whole on timeout) and collects its output.
 * `input` goes to its standard input.
 */
export function exec(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: Buffer | string } = {}): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => { /* the program may not read it */ });
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(t); reject(e); });
    child.on('close', (code) => {
      clearTimeout(t);
      if (timedOut) stderr += `\n[killed after ${opts.timeoutMs ?? 60_000} ms]`;
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr, ms: Date.now() - started });
    });
  });
}

/** Runs a script of clients/ against a target; exits non-zero → throws with its stderr. */
export async function python(script: string, target: Target, extra: string[] = [], timeoutMs = 120_000): Promise<string> {
  const r = await exec('python3', [join(CLIENTS, script), '--host', target.host, '--imap-port', String(target.ports.imap),
    '--imaps-port', String(target.ports.imaps), '--user', target.user, '--password-file', target.passwordFile, '--cafile', target.caFile, ...extra],
  { timeoutMs, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }); // no __pycache__ in the work tree
  if (r.code !== 0) throw new Error(`${script} ${extra.join(' ')} against ${target.name} exited ${r.code}: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `recapito-${prefix}-`));
  return {
    path,
    remove: async () => {
      if (process.env['RECAPITO_KEEP_INTEROP']) process.stderr.write(`kept ${path}\n`);
      else await rm(path, { recursive: true, force: true });
    },
  };
}

/** Registers `title (dovecot)` and `title (recapito)`; a target that cannot start yet is skipped, saying why. */
export function eachTarget(title: string, fn: (t: TestContext, target: Target) => Promise<void>, timeoutMs = 90_000): void {
  for (const { name, make } of TARGETS) {
    test(`${title} (${name})`, { timeout: timeoutMs }, async (t) => {
      let target: Target;
      try {
        target = await make();
      } catch (err) {
        if (err instanceof TargetUnavailable) {
          t.skip(err.message);
          return;
        }
        throw err;
      }
      try {
        await fn(t, target);
      } finally {
        await target.stop();
      }
    });
  }
}

export interface Step { step: string; [k: string]: unknown }
export interface Transcript { steps: Step[]; failures: string[]; info: Record<string, unknown> }

function keyed(steps: Step[]): Map<string, Step> {
  const seen = new Map<string, number>();
  const out = new Map<string, Step>();
  for (const s of steps) {
    const n = (seen.get(s.step) ?? 0) + 1;
    seen.set(s.step, n);
    out.set(n === 1 ? s.step : `${s.step}#${n}`, s);
  }
  return out;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x);

/**
 * Compares two transcripts step by step, leaving out the documented differences (a whole step,
 * or one field of it). Returns one readable entry per remaining difference, and the documented
 * differences that no longer differ (stale: to be removed from the list).
 */
export function compareTranscripts(reference: Transcript, other: Transcript, documented: readonly Difference[]): { diffs: string[]; stale: Difference[] } {
  const a = keyed(reference.steps);
  const b = keyed(other.steps);
  const diffs: string[] = [];
  const used = new Set<Difference>();
  const differs = new Set<Difference>();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const docs = documented.filter((d) => d.step === key);
    if (!x || !y) {
      const whole = docs.find((d) => !d.field);
      if (whole) {
        used.add(whole);
        differs.add(whole);
        continue;
      }
      diffs.push(`${key}: only in ${x ? 'the reference' : 'the other'} transcript`);
      continue;
    }
    const fields = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const f of fields) {
      if (f === 'step') continue;
      const same = stable(x[f]) === stable(y[f]);
      const doc = docs.find((d) => !d.field || d.field === f);
      if (doc) {
        used.add(doc);
        if (!same) differs.add(doc);
        continue;
      }
      if (!same) diffs.push(`${key}.${f}:\n    reference: ${stable(x[f])}\n    other:     ${stable(y[f])}`);
    }
  }
  return { diffs, stale: documented.filter((d) => !differs.has(d) && used.has(d)) };
}
