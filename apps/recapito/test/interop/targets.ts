/**
 * The servers the interop tests drive with real clients: a private Dovecot (the reference) and
 * Recapito (in this process), each with one empty mailbox `utente@pec.example.test`, reached
 * the same way (same login, same kinds of ports), so one script runs unchanged against both.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@recapito/provider';
import { startServer } from '../../src/lib/server.ts';
import { systemClock } from '../../src/lib/system-clock.ts';
import { cliOut, freePort } from '../support/two-providers.ts';
import { startDovecot } from './dovecot.ts';

export const DOMAIN = 'pec.example.test';
export const USER = `utente@${DOMAIN}`;
export const PASSWORD = 'Prova.Imap-2026';

export interface Target {
  readonly name: 'dovecot' | 'recapito';
  readonly host: '127.0.0.1';
  readonly ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  readonly user: string;
  readonly password: string;
  /** A file holding the password (no trailing newline), for clients that read one. */
  readonly passwordFile: string;
  /** What validates the listeners' TLS certificate (names localhost and 127.0.0.1). */
  readonly caFile: string;
  stop(): Promise<void>;
}

/** Recapito does not offer these listeners (yet): the tests skip it, saying why. */
export class TargetUnavailable extends Error {}

export async function dovecotTarget(): Promise<Target> {
  const d = await startDovecot({ users: [USER], password: PASSWORD });
  const passwordFile = join(d.baseDir, 'client-password.txt');
  await writeFile(passwordFile, PASSWORD);
  return { name: 'dovecot', host: d.host, ports: d.ports, user: USER, password: PASSWORD, passwordFile, caFile: d.caFile, stop: () => d.stop() };
}

async function cli(...args: string[]): Promise<void> {
  const r = await cliOut(...args);
  if (r.code !== 0) throw new Error(`recapito ${args.join(' ')} exited ${r.code}: ${r.stdout}`);
}

export async function recapitoTarget(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'recapito-interop-'));
  try {
    const ca = join(dir, 'ca');
    const data = join(dir, 'data');
    const passwordFile = join(dir, 'password.txt');
    await writeFile(passwordFile, PASSWORD);
    await cli('pki', 'init', '--dir', ca, '--domain', DOMAIN);
    await cli('init', '--data', data, '--domain', DOMAIN, '--name', 'Interop PEC S.p.A.', '--ca', ca);
    await cli('mailbox', 'add', USER, '--data', data, '--password-file', passwordFile);
    const ports = { imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort() };
    // The IMAP and POP3 port keys are the server's; 0 disables the SMTP listeners we do not use.
    const serverPorts = { submission: 0, starttls: 0, smtp: 0, ...ports };
    const server = await startServer({ dataDir: data, clock: systemClock, logger: silentLogger, ports: serverPorts, runner: { idleMs: 100 } });
    const listening = new Set(server.listeners.map((l) => l.port));
    const missing = Object.entries(ports).filter(([, p]) => !listening.has(p)).map(([k]) => k);
    if (missing.length > 0) {
      await server.stop();
      throw new TargetUnavailable(`Recapito does not listen for ${missing.join(', ')} (startServer has no such ports yet)`);
    }
    let stopping: Promise<void> | undefined;
    return {
      name: 'recapito', host: '127.0.0.1', ports, user: USER, password: PASSWORD, passwordFile,
      // `init --ca` issues the listeners' certificate from that CA.
      caFile: join(ca, 'ca.pem'),
      stop() {
        stopping ??= (async () => {
          await server.stop();
          if (process.env['RECAPITO_KEEP_INTEROP']) process.stderr.write(`recapito data kept in ${dir}\n`);
          else await rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Every test runs once per entry: Dovecot first (the reference), then Recapito.
 * RECAPITO_INTEROP_TARGETS=dovecot (or =recapito) runs against one only.
 */
export const TARGETS: readonly { readonly name: Target['name']; readonly make: () => Promise<Target> }[] = [
  { name: 'dovecot' as const, make: dovecotTarget },
  { name: 'recapito' as const, make: recapitoTarget },
].filter((x) => (process.env['RECAPITO_INTEROP_TARGETS'] ?? 'dovecot,recapito').split(',').includes(x.name));
