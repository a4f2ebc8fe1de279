// Shared pieces of the `recapito migrate` tests: the CLI run as a separate process (passwords
// through the environment, never argv), private Dovecot pairs, and the independent check.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startDovecot, type DovecotInstance } from '../interop/dovecot.ts';

export const BIN = new URL('../../bin/recapito.js', import.meta.url).pathname;
export const SRC_USER = 'vecchia@pec.example.test';
export const DST_USER = 'nuova@pec.example.test';

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * Starts `recapito ...` in its own process, asynchronously (servers may run in this one), with a
 * clean environment for passwords: RECAPITO_* variables come only from `env`. `onSpawn` gets the
 * child (to kill it).
 */
export function migrateCli(args: string[], env: Record<string, string> = {}, onSpawn?: (c: ChildProcess) => void, timeoutMs = 600_000): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RECAPITO_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(t); resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr }); });
    onSpawn?.(child);
  });
}

export interface DovecotPair {
  src: DovecotInstance;
  dst: DovecotInstance;
  /** Both self-signed certificates in one file, for --ca. */
  caFile: string;
  dir: string;
  env: Record<string, string>;
  url(side: 'src' | 'dst', user?: string): string;
}

export async function dovecotPair(t: TestContext, opts: { srcUsers?: string[]; dstUsers?: string[]; dstConfig?: string[] } = {}): Promise<DovecotPair> {
  const src = await startDovecot({ users: opts.srcUsers ?? [SRC_USER] });
  t.after(() => src.stop());
  const dst = await startDovecot({ users: opts.dstUsers ?? [DST_USER], ...(opts.dstConfig ? { extraConfig: opts.dstConfig } : {}) });
  t.after(() => dst.stop());
  const dir = mkdtempSync(join(tmpdir(), 'migrate-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, readFileSync(src.caFile, 'utf8') + readFileSync(dst.caFile, 'utf8'));
  return {
    src, dst, caFile, dir,
    env: { RECAPITO_FROM_PASSWORD: src.password, RECAPITO_TO_PASSWORD: dst.password },
    url: (side, user) => `imap://${encodeURIComponent(user ?? (side === 'src' ? SRC_USER : DST_USER))}@127.0.0.1:${(side === 'src' ? src : dst).ports.imap}`,
  };
}

/** The JSON report of a `migrate copy --json` run. */
export interface JsonReport {
  status: string;
  exitCode: number;
  totals: { messages: number; copied: number; skipped: number; failed: number; verified: number; pecChecked: number; pecIntact: number };
  folders: { source: string; destination: string; copied: number; failed: number; errors: { code: string }[] }[];
  error?: { code: string; message: string };
}

export const parseReport = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
