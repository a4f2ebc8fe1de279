/**
 * `recapito pec inspect FILE... [--trust CA.pem] [--index FILE] [--json]`: classifies and
 * verifies each message. Exit 0 when every file is well-formed PEC with a valid trusted
 * signature, 1 otherwise, 2 on usage errors.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { inspectMessage, type Inspection } from '@recapito/core';
import { CliError, EXIT } from '../lib/cli-error.ts';
import { loadIndex } from '../lib/load-index.ts';
import { systemClock } from '../lib/system-clock.ts';

/** Messages larger than this are not read (a PEC transaction is capped far lower, DM art. 12). */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

interface InspectFlags { trust?: string[]; index?: string; json?: boolean; at?: string }

export function registerPecInspect(pec: Command): void {
  pec.command('inspect')
    .description('classify and verify PEC messages (.eml): kind, certification data, signature, problems')
    .argument('<file...>', 'raw messages to inspect')
    .option('--trust <ca.pem...>', 'trust anchors (PEM) for the signer certificate chain')
    .option('--index <file>', "providers' index (LDIF or JSON file form): the signer must be a provider")
    .option('--at <iso-date>', 'check certificate validity at this instant instead of now')
    .option('--json', 'print one JSON array, an object per file')
    .addHelpText('after', `
Examples:
  recapito pec inspect receipt.eml --trust pki/ca.pem
  recapito pec inspect inbox/*.eml --index providers.ldif --json

Exit codes: 0 all valid trusted PEC, 1 some file is not, 2 usage error.`)
    .action(async (files: string[], flags: InspectFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runInspect(files, flags));
    });
}

async function runInspect(files: string[], flags: InspectFlags): Promise<number> {
  const at = flags.at ? new Date(flags.at) : systemClock.now();
  if (Number.isNaN(at.getTime())) throw new CliError('USAGE', `--at: not a date: ${flags.at}`);
  const trustAnchorsPem: string[] = [];
  for (const t of flags.trust ?? []) {
    try {
      trustAnchorsPem.push(await readFile(t, 'utf8'));
    } catch {
      throw new CliError('TRUST_UNREADABLE', `cannot read trust anchor file ${t}`);
    }
  }
  const index = flags.index ? await loadIndex(flags.index) : undefined;
  const results: (Inspection & { file: string })[] = [];
  for (const file of files) {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new CliError('FILE_UNREADABLE', `cannot read ${file}: no such file`);
    }
    if (size > MAX_FILE_BYTES) {
      results.push({ file, kind: 'ordinaria', recipients: [], signature: { status: 'absent', trusted: false }, problems: [{ code: 'MESSAGE_TOO_LARGE', message: `${size} bytes, over the ${MAX_FILE_BYTES}-byte limit` }], ok: false });
      continue;
    }
    const raw = await readFile(file);
    const r = await inspectMessage(raw, { at, ...(trustAnchorsPem.length ? { trustAnchorsPem } : {}), ...(index ? { index } : {}) });
    results.push({ file, ...r });
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
  } else {
    for (const r of results) process.stdout.write(toText(r));
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
}

function toJson(r: Inspection & { file: string }): Record<string, unknown> {
  return {
    file: r.file,
    kind: r.kind,
    variant: r.variant ?? null,
    error: r.error ?? null,
    errorDetail: r.errorDetail ?? null,
    pecMsgId: r.pecMsgId ?? null,
    clientMsgId: r.clientMsgId ?? null,
    sender: r.sender ?? null,
    recipients: r.recipients,
    subject: r.subject ?? null,
    date: r.date ?? null,
    issuer: r.issuer ?? null,
    signature: {
      status: r.signature.status,
      trusted: r.signature.trusted,
      signer: r.signature.signer ?? null,
      digest: r.signature.digest ?? null,
      provider: r.signature.provider ?? null,
    },
    problems: r.problems,
    ok: r.ok,
  };
}

function toText(r: Inspection & { file: string }): string {
  const s = r.signature;
  const lines = [
    `${r.file}: ${r.ok ? 'OK' : 'NOT VALID'}`,
    `  kind:         ${r.kind}${r.variant ? ` (${r.variant})` : ''}`,
    `  signature:    ${s.status}${s.status === 'absent' ? '' : s.trusted ? ', trusted' : ', NOT trusted'}${s.digest ? ` [${s.digest}]` : ''}`,
  ];
  if (s.signer) lines.push(`  signer:       ${s.signer.email ?? '?'} (${s.signer.subject}; SHA-1 ${s.signer.sha1})`);
  if (s.provider) lines.push(`  provider:     ${s.provider}`);
  if (r.pecMsgId) lines.push(`  PEC msgid:    ${r.pecMsgId}`);
  if (r.clientMsgId) lines.push(`  client msgid: ${r.clientMsgId}`);
  if (r.sender) lines.push(`  sender:       ${r.sender}`);
  for (const x of r.recipients) lines.push(`  recipient:    ${x.address} (${x.type})`);
  if (r.subject !== undefined) lines.push(`  subject:      ${r.subject}`);
  if (r.date) lines.push(`  date:         ${r.date}`);
  if (r.error) lines.push(`  error:        ${r.error}${r.errorDetail ? ` — ${r.errorDetail}` : ''}`);
  if (r.problems.length === 0) lines.push('  problems:     none');
  for (const p of r.problems) lines.push(`  problem:      ${p.code}: ${p.message}`);
  return lines.join('\n') + '\n\n';
}
