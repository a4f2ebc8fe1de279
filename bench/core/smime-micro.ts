/**
 * bench/core/smime-micro: fixed costs of the S/MIME layer for a 10 KB content, in ms per
 * operation: signDetached, verifyDetached without and with trust anchors, and inspectMessage of
 * a built posta-certificata envelope. Every verification gets a different signature (signing
 * times differ), as a provider sees, so nothing keyed on whole signatures could help.
 *
 *   node --import tsx bench/core/smime-micro.ts [--quick]
 */
import {
  buildAnyKind, concatChunks, createDevPki, inspectMessage, loadSigner, ManualClock, signDetached, verifyDetached,
  type ProviderIdentity,
} from '@recapito/core';
import { originalOfSize } from './original.ts';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 1 : 3;
const VARIANTS = 64;
const at = new Date('2026-11-23T10:00:00Z');

async function msPerOp(label: string, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await fn(i); // warm-up: JIT and the caches a long-running provider has
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let n = 0;
  while (performance.now() < end) await fn(n++);
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(44)} ${ms.toFixed(3).padStart(8)} ms/op  (${n} runs)`);
}

async function main(): Promise<void> {
  const pki = await createDevPki({ domain: 'pec.bench.test', providerName: 'Bench PEC', now: new Date('2026-11-01T00:00:00Z') });
  const signer = await loadSigner({ chainPem: pki.providerChainPem, privateKeyPem: pki.provider.privateKeyPem });
  const anchors = [pki.root.certificatePem];
  const content = [originalOfSize(10 * 1024)];
  console.log(`bench/core/smime-micro — node ${process.version}, ${quick ? 'quick' : 'full'} run`);

  const sigs: Uint8Array[] = [];
  for (let i = 0; i < VARIANTS; i++) {
    sigs.push(await signDetached(content, signer, { digest: 'sha256', signingTime: new Date(at.getTime() - i * 1000) }));
  }
  const clock = new ManualClock('2026-11-23T10:00:00Z');
  const provider: ProviderIdentity = {
    name: 'Bench PEC', domain: 'pec.bench.test', serviceAddress: 'posta-certificata@pec.bench.test', signer, digest: 'sha256', timeZone: 'Europe/Rome', clock,
  };
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < VARIANTS; i++) {
    const m = await buildAnyKind({ kind: 'posta-certificata', provider, sender: 'a@pec.bench.test', to: ['b@pec.bench.test'], original: content[0]!, at: new Date(at.getTime() - i * 1000) });
    envelopes.push(concatChunks(m.chunks));
  }

  await msPerOp('signDetached, 10 KB', (i) => signDetached(content, signer, { digest: 'sha256', signingTime: new Date(at.getTime() + i * 1000) }));
  await msPerOp('verifyDetached, 10 KB, no anchors', async (i) => {
    const v = await verifyDetached(content, sigs[i % VARIANTS]!, { at });
    if (v.status !== 'valid') throw new Error(JSON.stringify(v.problems));
  });
  await msPerOp('verifyDetached, 10 KB, with anchors', async (i) => {
    const v = await verifyDetached(content, sigs[i % VARIANTS]!, { at, trustAnchorsPem: anchors });
    if (!v.trusted) throw new Error(JSON.stringify(v.problems));
  });
  await msPerOp('inspectMessage, 10 KB posta-certificata', async (i) => {
    const r = await inspectMessage(envelopes[i % VARIANTS]!, { at, trustAnchorsPem: anchors });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
  });
}

await main();
