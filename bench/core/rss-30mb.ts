/**
 * Peak RSS of building (and then verifying) an envelope for a 30 MB original, in a fresh process
 * so that nothing else inflates it. The envelope is written to a file chunk by chunk, as the
 * provider will write it to its store.
 */
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { buildAnyKind, inspectMessage, ManualClock, createDevPki, loadSigner } from '@recapito/core';
import { originalOfSize } from './original.ts';

const pki = await createDevPki({ domain: 'pec.bench.test', providerName: 'Bench PEC', now: new Date('2026-11-01T00:00:00Z') });
const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
const provider = { name: 'Bench PEC', domain: 'pec.bench.test', serviceAddress: 'posta-certificata@pec.bench.test', signer, digest: 'sha256' as const, timeZone: 'Europe/Rome', clock: new ManualClock('2026-11-23T10:00:00Z') };
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const baseline = process.memoryUsage().rss;
let original: Buffer | undefined = originalOfSize(30 * 1024 * 1024);
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
console.log(`  RSS before the message existed: ${mb(baseline)}`);
console.log(`  peak RSS after build+sign:      ${mb(afterBuild)}  = ${(afterBuild / size).toFixed(2)}x the message size`);
console.log(`  peak RSS after verify too:      ${mb(peak)}  = ${(peak / size).toFixed(2)}x the message size (budget 4x)`);
