/**
 * The mixed read workload: `clients` concurrent sessions (logged in, INBOX selected) each
 * running, until the deadline, a seeded random mix (the same sequence on every server):
 *   50 % UID FETCH <uid> (BODY.PEEK[])
 *   20 % UID FETCH <uid>:<uid+49> (FLAGS ENVELOPE)
 *   15 % UID FETCH <uid> (BODYSTRUCTURE BODY.PEEK[HEADER])
 *   10 % UID SEARCH SUBJECT <word> or UID SEARCH FLAGGED (half each)
 *    5 % NOOP or STATUS INBOX (MESSAGES UNSEEN) (half each)
 * Messages = FETCH responses received; operations = commands completed.
 */
import type { ImapClient } from './client.ts';
import { prng, SEARCH_WORD } from './generate.ts';
import { session } from './measure.ts';
import type { BenchServer } from './servers.ts';

export type OpKind = 'body' | 'range' | 'structure' | 'subject' | 'flagged' | 'noop';

export interface MixedResult {
  readonly clients: number;
  readonly seconds: number;
  readonly ops: number;
  readonly messages: number;
  readonly bytes: number;
  readonly opsPerSec: number;
  readonly messagesPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** Per kind: count and latency percentiles, ms. */
  readonly kinds: Record<OpKind, { count: number; p50: number; p99: number }>;
  readonly errors: number;
  readonly firstError?: string;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function nextOp(r: () => number, n: number): { kind: OpKind; cmd: string } {
  const x = r();
  const uid = 1 + Math.floor(r() * n);
  const y = r();
  if (x < 0.5) return { kind: 'body', cmd: `UID FETCH ${uid} (BODY.PEEK[])` };
  if (x < 0.7) {
    const from = 1 + Math.floor(y * Math.max(1, n - 49));
    return { kind: 'range', cmd: `UID FETCH ${from}:${Math.min(n, from + 49)} (FLAGS ENVELOPE)` };
  }
  if (x < 0.85) return { kind: 'structure', cmd: `UID FETCH ${uid} (BODYSTRUCTURE BODY.PEEK[HEADER])` };
  if (x < 0.95) return y < 0.5 ? { kind: 'subject', cmd: `UID SEARCH SUBJECT ${SEARCH_WORD}` } : { kind: 'flagged', cmd: 'UID SEARCH FLAGGED' };
  return { kind: 'noop', cmd: y < 0.5 ? 'NOOP' : 'STATUS INBOX (MESSAGES UNSEEN)' };
}

export async function mixed(s: BenchServer, n: number, clients: number, seconds: number): Promise<MixedResult> {
  const sessions: ImapClient[] = await Promise.all(Array.from({ length: clients }, () => session(s)));
  const lat: Record<OpKind, number[]> = { body: [], range: [], structure: [], subject: [], flagged: [], noop: [] };
  let messages = 0;
  let bytes = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(sessions.map(async (c, i) => {
    const r = prng(1000 + i);
    while (performance.now() < deadline) {
      const op = nextOp(r, n);
      try {
        const done = await c.command(op.cmd);
        if (done.status !== 'OK') {
          errors++;
          firstError ??= `${op.cmd}: ${done.text.trim()}`;
        }
        lat[op.kind].push(done.ms);
        messages += done.fetches;
        bytes += done.literalBytes;
      } catch (e) {
        errors++;
        firstError ??= `${op.cmd}: ${(e as Error).message}`;
        return;
      }
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(sessions.map((c) => c.logout()));
  const all = Object.values(lat).flat().sort((a, b) => a - b);
  const kinds = Object.fromEntries(Object.entries(lat).map(([k, v]) => {
    const sorted = [...v].sort((a, b) => a - b);
    return [k, { count: v.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
  })) as MixedResult['kinds'];
  return {
    clients, seconds: elapsed, ops: all.length, messages, bytes,
    opsPerSec: all.length / elapsed, messagesPerSec: messages / elapsed,
    p50: percentile(all, 50), p99: percentile(all, 99), kinds, errors,
    ...(firstError ? { firstError } : {}),
  };
}
