/**
 * Peak RSS of building and then verifying an envelope for a 30 MB original, in a fresh process
 * that reads the original from a file (as the provider gets it from its spool), so that the
 * generator of the test data does not inflate the figure. The envelope is written chunk by
 * chunk, as the provider writes it to its store, then read back and verified.
 *
 *   node --import tsx bench/core/rss-30mb.ts ORIGINAL.eml
 */
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAnyKind, inspectMessage, ManualClock, createDevPki, loadSigner } from '@recapito/core';

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pki = await createDevPki({ domain: 'pec.bench.test', providerName: 'Bench PEC', now: new Date('2026-11-01T00:00:00Z') });
const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
const provider = { name: 'Bench PEC', domain: 'pec.bench.test', serviceAddress: 'posta-certificata@pec.bench.test', signer, digest: 'sha256' as const, timeZone: 'Europe/Rome', clock: new ManualClock('2026-11-23T10:00:00Z') };
// Warm up every code path on a small message so that the baseline includes the loaded code.
await inspectMessage(Buffer.from('Subject: x\r\n\r\nx'), { at: new Date() });
await buildAnyKind({ kind: 'posta-certificata', provider, sender: 'a@pec.bench.test', to: ['b@pec.bench.test'] });
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let original: Buffer | undefined = await readFile(process.argv[2]!);
const size = original.length;
const m = await buildAnyKind({ kind: 'posta-certificata', provider, sender: 'a@pec.bench.test', to: ['b@pec.bench.test'], original });
original = undefined;
const file = join(tmpdir(), `recapito-bench-${process.pid}.eml`);
const fh = await open(file, 'w');
for (const c of m.chunks) await fh.write(c);
await fh.close();
const afterBuild = process.resourceUsage().maxRSS * 1024;
const raw = await readFile(file);
const r = await inspectMessage(raw, { at: new Date('2026-11-23T10:00:00Z'), trustAnchorsPem: [pki.root.certificatePem] });
await rm(file);
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`30 MB original (${mb(size)}), envelope ${mb(raw.length)}, verified ${r.ok}`);
console.log(`  RSS with all code loaded, before the message: ${mb(baseline)}`);
console.log(`  peak RSS, build+sign+write:   ${mb(afterBuild)}; above baseline ${mb(afterBuild - baseline)} = ${((afterBuild - baseline) / size).toFixed(2)}x the message`);
console.log(`  peak RSS, then read+verify:   ${mb(peak)}; above baseline ${mb(peak - baseline)} = ${((peak - baseline) / size).toFixed(2)}x the message (budget 4x)`);
