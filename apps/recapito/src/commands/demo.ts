/**
 * `recapito demo [--data DIR]`: the quick start until the provider server exists. Creates a
 * development PKI in DIR (once), builds one message of every PEC kind for a sample transaction,
 * writes them as .eml files and verifies each one as a receiving provider would.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildAnyKind, inspectMessage, PEC_KINDS, concatChunks, type PecKind } from '@recapito/core';
import { EXIT } from '../lib/cli-error.ts';
import { providerFromPki } from '../lib/provider-from-pki.ts';
import { systemClock } from '../lib/system-clock.ts';
import { writeChunks } from '../lib/write-chunks.ts';
import { writeDevPki } from './pki-init.ts';

interface DemoFlags { data: string; json?: boolean }

export function registerDemo(root: Command): void {
  root.command('demo')
    .description('create a dev PKI in the data folder, build every PEC message kind and verify them')
    .option('--data <dir>', 'data folder', 'data')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExample:\n  recapito demo --data ./data && ls data/demo')
    .action(async (flags: DemoFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runDemo(flags));
    });
}

async function runDemo(flags: DemoFlags): Promise<number> {
  const pkiDir = join(flags.data, 'pki');
  const outDir = join(flags.data, 'demo');
  const domain = 'pec.demo.test';
  if (!(await access(join(pkiDir, 'provider.pem')).then(() => true, () => false))) {
    await writeDevPki(pkiDir, domain, 'Recapito Demo S.p.A.');
  }
  await mkdir(outDir, { recursive: true });
  const provider = await providerFromPki(pkiDir, { digest: 'sha256', clock: systemClock });
  const ca = await readFile(join(pkiDir, 'ca.pem'), 'utf8');
  const rows: { file: string; kind: PecKind; signature: string; ok: boolean; problems: string[] }[] = [];
  for (const kind of PEC_KINDS.filter((k) => k !== 'ordinaria')) {
    const built = await buildAnyKind({
      kind, provider, sender: `protocollo@${domain}`, to: [`ufficio.tributi@${domain}`], cc: [`segreteria@${domain}`],
      subject: 'Trasmissione determina n. 42/2026 – allegati', error: kind === 'errore-consegna' ? 'no-dest' : undefined,
    } as Parameters<typeof buildAnyKind>[0]);
    const file = join(outDir, `${kind}.eml`);
    await writeChunks(file, built.chunks);
    const r = await inspectMessage(concatChunks(built.chunks), { at: systemClock.now(), trustAnchorsPem: [ca] });
    rows.push({ file, kind: r.kind, signature: `${r.signature.status}${r.signature.trusted ? '+trusted' : ''}`, ok: r.ok, problems: r.problems.map((p) => p.code) });
  }
  if (flags.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    process.stdout.write(`Demo provider ${provider.serviceAddress} (keys in ${pkiDir})\n\n`);
    for (const r of rows) process.stdout.write(`${r.ok ? 'OK ' : 'BAD'}  ${r.kind.padEnd(26)} ${r.signature.padEnd(14)} ${r.file}${r.problems.length ? `  ${r.problems.join(',')}` : ''}\n`);
    process.stdout.write(`\nInspect any of them: npx recapito pec inspect ${outDir}/avvenuta-consegna.eml --trust ${pkiDir}/ca.pem\n`);
  }
  return rows.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
}
