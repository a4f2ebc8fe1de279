/**
 * `recapito demo [--data DIR] [--no-serve]`: the quick start. Creates a provider in DIR (once)
 * with two demo mailboxes, builds one message of every PEC kind and verifies each as a
 * receiving provider would, then runs the provider on unprivileged ports until Ctrl-C.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildAnyKind, inspectMessage, PEC_KINDS, concatChunks, type PecKind } from '@recapito/core';
import { EXIT } from '../lib/cli-error.ts';
import { readConfig, writeConfig } from '../lib/config.ts';
import { providerFromPki } from '../lib/provider-from-pki.ts';
import { systemClock } from '../lib/system-clock.ts';
import { writeChunks } from '../lib/write-chunks.ts';
import { main } from '../main.ts';
import { createProviderData } from './init.ts';
import { withStore } from '../lib/open-data.ts';
import { DEFAULT_LIMITS, DEFAULT_QUOTA, hashPassword } from '@recapito/provider';

interface DemoFlags { data: string; json?: boolean; serve: boolean }

export const DEMO_DOMAIN = 'pec.demo.test';
const DEMO_PORTS = { submission: 10465, starttls: 10587, smtp: 10025, imap: 10143, imaps: 10993, pop3: 10110, pop3s: 10995 };

export function registerDemo(root: Command): void {
  root.command('demo')
    .description('create a demo provider in the data folder, build and verify every PEC message kind, then serve')
    .option('--data <dir>', 'data folder', 'data')
    .option('--no-serve', 'stop after building and verifying the sample messages')
    .option('--json', 'print the verification results as JSON')
    .addHelpText('after', '\nExample:\n  recapito demo --data ./data')
    .action(async (flags: DemoFlags, cmd: Command) => {
      cmd.setOptionValue('exit', await runDemo(flags));
    });
}

/** A password that satisfies the policy: letters of both cases, digits, a special character. */
function demoPassword(): string {
  const base = randomBytes(12).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
  return `Pec.${base}7x`;
}

async function setUp(data: string): Promise<void> {
  if (await access(join(data, 'recapito.json')).then(() => true, () => false)) return;
  await createProviderData({ data, domain: DEMO_DOMAIN, name: 'Recapito Demo S.p.A.' });
  const config = await readConfig(data);
  config.ports = { ...DEMO_PORTS };
  await writeConfig(data, config);
  const password = demoPassword();
  await writeFile(join(data, 'demo-password.txt'), password, { mode: 0o600 });
  await withStore({ data }, async (store) => {
    for (const box of ['demo', 'destinatario']) {
      await store.accounts.addMailbox({ address: `${box}@${DEMO_DOMAIN}`, type: 'standard', passwordHash: await hashPassword(password), quotaBytes: DEFAULT_QUOTA.standard, limits: DEFAULT_LIMITS.standard, acceptsOrdinaryMail: true });
    }
  });
}

async function runDemo(flags: DemoFlags): Promise<number> {
  await setUp(flags.data);
  const pkiDir = join(flags.data, 'pki');
  const outDir = join(flags.data, 'samples');
  await mkdir(outDir, { recursive: true });
  const provider = await providerFromPki(pkiDir, { digest: 'sha256', clock: systemClock, name: 'Recapito Demo S.p.A.' });
  const ca = await readFile(join(pkiDir, 'ca.pem'), 'utf8');
  const rows: { file: string; kind: PecKind; signature: string; ok: boolean; problems: string[] }[] = [];
  for (const kind of PEC_KINDS.filter((k) => k !== 'ordinaria')) {
    const built = await buildAnyKind({
      kind, provider, sender: `demo@${DEMO_DOMAIN}`, to: [`destinatario@${DEMO_DOMAIN}`],
      subject: 'Trasmissione determina n. 42/2026 – allegati', ...(kind === 'errore-consegna' ? { error: 'no-dest' } : {}),
    });
    const file = join(outDir, `${kind}.eml`);
    await writeChunks(file, built.chunks);
    const r = await inspectMessage(concatChunks(built.chunks), { at: systemClock.now(), trustAnchorsPem: [ca] });
    rows.push({ file, kind: r.kind, signature: `${r.signature.status}${r.signature.trusted ? '+trusted' : ''}`, ok: r.ok, problems: r.problems.map((p) => p.code) });
  }
  if (flags.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    process.stdout.write(`Sample PEC messages, signed by ${provider.serviceAddress} and verified:\n`);
    for (const r of rows) process.stdout.write(`  ${r.ok ? 'OK ' : 'BAD'}  ${r.kind.padEnd(26)} ${r.signature.padEnd(14)} ${r.file}${r.problems.length ? `  ${r.problems.join(',')}` : ''}\n`);
  }
  const allOk = rows.every((r) => r.ok);
  if (!flags.serve) return allOk ? EXIT.ok : EXIT.findings;
  if (!flags.json) {
    process.stdout.write(`
Demo mailboxes: demo@${DEMO_DOMAIN} and destinatario@${DEMO_DOMAIN}, password in ${join(flags.data, 'demo-password.txt')}
Send a certified message (implicit TLS on port ${DEMO_PORTS.submission}, CA in ${join(pkiDir, 'ca.pem')}), e.g. with Python:
  python3 -c "import smtplib,ssl; s=smtplib.SMTP_SSL('127.0.0.1',${DEMO_PORTS.submission},context=ssl.create_default_context(cafile='${join(pkiDir, 'ca.pem')}')); s.login('demo@${DEMO_DOMAIN}',open('${join(flags.data, 'demo-password.txt')}').read()); s.sendmail('demo@${DEMO_DOMAIN}',['destinatario@${DEMO_DOMAIN}'],b'From: demo@${DEMO_DOMAIN}\\r\\nTo: destinatario@${DEMO_DOMAIN}\\r\\nSubject: Prova\\r\\n\\r\\nCiao\\r\\n')"
Read the receipts with any mail client over IMAPS ${DEMO_PORTS.imaps} or POP3S ${DEMO_PORTS.pop3s} (user demo@${DEMO_DOMAIN}), e.g. with Python:
  python3 -c "import imaplib,ssl; c=imaplib.IMAP4_SSL('127.0.0.1',${DEMO_PORTS.imaps},ssl_context=ssl.create_default_context(cafile='${join(pkiDir, 'ca.pem')}')); c.login('demo@${DEMO_DOMAIN}',open('${join(flags.data, 'demo-password.txt')}').read()); c.select('INBOX'); print(c.fetch('1:*','(BODY.PEEK[HEADER.FIELDS (SUBJECT X-RICEVUTA)])'))"
or export them:         npx recapito mailbox export demo@${DEMO_DOMAIN} --data ${flags.data} --out ./export
and the message log:    npx recapito log search --data ${flags.data} --address demo@${DEMO_DOMAIN}

`);
  }
  return main(['serve', '--data', flags.data]);
}
