/**
 * `recapito pec build KIND --pki DIR --from … --to … --out FILE.eml`: builds any PEC message
 * kind, signed by the provider in DIR, for operators and integrators testing their software.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PEC_KINDS, buildAnyKind, type BuildRequest, type DigestName, type PecKind, type ReceiptVariant } from '@recapito/core';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { providerFromPki } from '../lib/provider-from-pki.ts';
import { systemClock } from '../lib/system-clock.ts';
import { writeChunks } from '../lib/write-chunks.ts';


interface BuildFlags {
  pki: string; from: string; to: string[]; cc?: string[]; external?: string[]; subject?: string;
  variant?: string; error?: string; reason?: string; virus?: string; hours?: string; recipient?: string;
  original?: string; out: string; digest: string; serviceTo?: string; pecMsgid?: string;
}

const BUILDABLE = PEC_KINDS.filter((k) => k !== 'ordinaria');

export function registerPecBuild(pec: Command): void {
  pec.command('build')
    .description('build and sign any PEC message kind')
    .argument('<kind>', `one of: ${BUILDABLE.join(', ')}`)
    .requiredOption('--pki <dir>', 'provider key material written by `recapito pki init`')
    .requiredOption('--from <address>', 'sender of the original message (SMTP MAIL FROM)')
    .requiredOption('--to <address...>', 'recipients (SMTP RCPT TO, in To:)')
    .option('--cc <address...>', 'carbon-copy recipients (in Cc:, get a sintetica receipt)')
    .option('--external <address...>', 'recipients that are ordinary (non-PEC) mail')
    .option('--subject <text>', 'subject of the original (default: from --original)')
    .option('--variant <v>', 'receipt variant: completa | breve | sintetica')
    .option('--error <e>', 'errore: no-dest | no-dominio | altro | virus')
    .option('--reason <text>', 'error description (errore-esteso, anomaly reason)')
    .option('--virus <name>', 'name of the detected malicious content')
    .option('--hours <12|24>', 'timeout notice: 12 h warning or 24 h final notice', '12')
    .option('--recipient <address>', 'recipient a per-recipient receipt is about (default: first --to)')
    .option('--service-to <address>', 'sending provider service mailbox (presa-in-carico, rilevazione-virus)')
    .option('--pec-msgid <id>', 'PEC message id of the transaction (default: a new one)')
    .option('--original <file.eml>', 'the original message (default: a generated one)')
    .option('--digest <d>', 'signature digest: sha256 | sha1', 'sha256')
    .requiredOption('--out <file.eml>', 'where to write the message')
    .addHelpText('after', `
Examples:
  recapito pec build posta-certificata --pki pki --from a@pec.alfa.test --to b@pec.beta.test --original msg.eml --out busta.eml
  recapito pec build avvenuta-consegna --pki pki --from a@pec.alfa.test --to b@pec.beta.test --variant breve --original msg.eml --out consegna.eml
  recapito pec build errore-consegna --pki pki --from a@pec.alfa.test --to x@pec.beta.test --error no-dest --out errore.eml`)
    .action(async (kind: string, flags: BuildFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runBuild(kind, flags));
    });
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError('USAGE', `${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

async function runBuild(kindArg: string, flags: BuildFlags): Promise<number> {
  const kind = oneOf<PecKind>('KIND', kindArg, BUILDABLE)!;
  const digest = oneOf<DigestName>('--digest', flags.digest, ['sha256', 'sha1'])!;
  const variant = oneOf<ReceiptVariant>('--variant', flags.variant, ['completa', 'breve', 'sintetica']);
  const hours = Number(oneOf('--hours', flags.hours, ['12', '24'])) as 12 | 24;
  let original: Uint8Array | undefined;
  if (flags.original) {
    try {
      original = await readFile(flags.original);
    } catch {
      throw new CliError('FILE_UNREADABLE', `cannot read the original message ${flags.original}`);
    }
  }
  const provider = await providerFromPki(flags.pki, { digest, clock: systemClock });
  const req: BuildRequest = {
    kind, provider, sender: flags.from, to: flags.to, cc: flags.cc ?? [], external: flags.external ?? [],
    hours, ...(variant ? { variant } : {}), ...(original ? { original } : {}),
    ...(flags.subject !== undefined ? { subject: flags.subject } : {}),
    ...(flags.error ? { error: flags.error } : {}), ...(flags.reason ? { reason: flags.reason } : {}),
    ...(flags.virus ? { virus: flags.virus } : {}), ...(flags.recipient ? { recipient: flags.recipient } : {}),
    ...(flags.serviceTo ? { serviceTo: flags.serviceTo } : {}), ...(flags.pecMsgid ? { pecMsgId: flags.pecMsgid } : {}),
  };
  const built = await buildAnyKind(req);
  await writeChunks(flags.out, built.chunks);
  process.stderr.write(`wrote ${flags.out}: ${built.kind}, Message-ID <${built.messageId}>\n`);
  return EXIT.ok;
}
