/**
 * bench/core: envelopes built+signed per second and verified per second for 10 KB and 10 MB
 * originals, beside a bare RSA-2048 signature (the physical floor) in the same run; then the
 * peak RSS of building and verifying an envelope for a 30 MB original, in a fresh process.
 *
 *   npm run bench:core            (add --quick for a short run)
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAnyKind, concatChunks, inspectMessage, ManualClock, createDevPki, loadSigner, type ProviderIdentity } from '@recapito/core';
import { originalOfSize } from './original.ts';

const quick = process.argv.includes('--quick');

async function provider(): Promise<{ p: ProviderIdentity; ca: string }> {
  const pki = await createDevPki({ domain: 'pec.bench.test', providerName: 'Bench PEC', now: new Date('2026-11-01T00:00:00Z') });
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  return {
    p: { name: 'Bench PEC', domain: 'pec.bench.test', serviceAddress: 'posta-certificata@pec.bench.test', signer, digest: 'sha256', timeZone: 'Europe/Rome', clock: new ManualClock('2026-11-23T10:00:00Z') },
    ca: pki.root.certificatePem,
  };
}

async function rate(label: string, seconds: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await fn();
    n++;
  }
  const perSec = n / ((performance.now() - t0) / 1000);
  console.log(`${label.padEnd(48)} ${perSec.toFixed(1).padStart(9)} /s  (${n} runs)`);
  return perSec;
}

async function main(): Promise<void> {
  const secs = quick ? 1 : 4;
  const { p, ca } = await provider();
  console.log(`bench/core — node ${process.version}, ${quick ? 'quick' : 'full'} run\n`);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const digest = createHash('sha256').update('x').digest();
  const floor = await rate('floor: bare RSA-2048 PKCS#1 v1.5 signature', secs, () => sign('sha256', digest, privateKey));
  const tenMb = Buffer.alloc(10 * 1024 * 1024, 7);
  const hashFloor = await rate('floor: SHA-256 of 10 MB', secs, () => createHash('sha256').update(tenMb).digest());
  const results: Record<string, { build: number; verify: number }> = {};
  for (const [label, size] of [['10 KB', 10 * 1024], ['10 MB', 10 * 1024 * 1024]] as const) {
    const original = originalOfSize(size);
    let last: Uint8Array = new Uint8Array();
    const build = await rate(`build+sign envelope, ${label} original`, secs, async () => {
      const m = await buildAnyKind({ kind: 'posta-certificata', provider: p, sender: 'a@pec.bench.test', to: ['b@pec.bench.test'], original });
      last = concatChunks(m.chunks);
    });
    const verify = await rate(`verify envelope (full inspection), ${label}`, secs, async () => {
      const r = await inspectMessage(last, { at: new Date('2026-11-23T10:00:00Z'), trustAnchorsPem: [ca] });
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
    });
    results[label] = { build, verify };
  }
  console.log('\nratios to the floor (bare signatures per second / operations per second):');
  for (const [label, r] of Object.entries(results)) {
    console.log(`  ${label}: build ${(floor / r.build).toFixed(2)}x the cost of one RSA signature, verify ${(floor / r.verify).toFixed(2)}x`);
  }
  const tenFloor = 1 / (1 / floor + 1 / hashFloor);
  const r10 = results['10 MB']!;
  console.log(`  10 MB against RSA + SHA-256 of 10 MB (${tenFloor.toFixed(1)}/s): build ${(tenFloor / r10.build).toFixed(2)}x, verify ${(tenFloor / r10.verify).toFixed(2)}x`);
  const dir = mkdtempSync(join(tmpdir(), 'recapito-bench-'));
  const file = join(dir, 'original-30mb.eml');
  writeFileSync(file, originalOfSize(30 * 1024 * 1024));
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./rss-30mb.ts', import.meta.url)), file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write('\n' + child.stdout);
  if (child.status !== 0) process.stderr.write(child.stderr);
}

await main();
