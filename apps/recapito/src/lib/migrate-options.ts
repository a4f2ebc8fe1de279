/**
 * Options shared by `migrate copy` and `migrate batch`: TLS, folders, marking, pacing, state and
 * output. Parsing turns them into the engine's options and refuses bad values with USAGE.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isImapKeyword, Throttle, validateFolderRule, MigrateError, type CopyOptions, type FolderRule, type OpenOptions } from '@recapito/migrate';
import { CliError } from './cli-error.ts';

export interface MigrateFlags {
  insecure?: boolean;
  ca?: string;
  allowPlaintext?: boolean;
  include?: string[];
  exclude?: string[];
  under?: string;
  mark?: string | false;
  connections?: string;
  maxMessagesPerSecond?: string;
  maxBytesPerSecond?: string;
  timeout?: string;
  verify?: boolean;
  reverify?: boolean;
  trust?: string[];
  state?: string;
  data?: string;
  db?: string;
  json?: boolean;
  progress?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function addMigrateOptions(cmd: Command): Command {
  return cmd
    .option('--insecure', 'accept any server certificate (self-signed test or intranet servers)')
    .option('--ca <file>', 'trust this CA certificate (PEM) for both servers instead of the system store')
    .option('--allow-plaintext', 'for imap:// servers without STARTTLS: send the password in clear (closed networks only)')
    .option('--include <pattern>', 'copy source folders matching the pattern (* any, % one level); repeatable', collect)
    .option('--exclude <pattern>', 'leave out source folders matching the pattern, e.g. "Archivio*"; repeatable', collect)
    .option('--under <folder>', 'put the copied tree under this destination folder (INBOX becomes FOLDER/INBOX)')
    .option('--mark <keyword>', 'IMAP keyword set on every copy', '$Migrated')
    .option('--no-mark', 'copy flags and keywords exactly, without a mark')
    .option('--connections <n>', 'folders copied at once per mailbox, each over its own pair of sessions', '4')
    .option('--max-messages-per-second <n>', 'pace the copy (all mailboxes together)')
    .option('--max-bytes-per-second <n>', 'pace the copy in bytes, e.g. 5000000 (all mailboxes together)')
    .option('--timeout <seconds>', 'give up on a server that does not answer a command for this long, then reconnect and resume', '120')
    .option('--no-verify', 'skip re-reading the copies (not recommended)')
    .option('--reverify', 'also re-read the copies earlier runs verified; those gone or altered are copied by the next run')
    .option('--trust <file>', 'CA certificate (PEM) for re-verifying PEC signatures; repeatable', collect)
    .option('--state <dir>', 'folder of the migration state (default: the user state folder, per user)')
    .option('--data <dir>', "keep the migration state in a Recapito provider's store instead")
    .option('--db <url>', 'with --data: PostgreSQL URL of that store')
    .option('--no-progress', 'no progress display on stderr')
    .option('--json', 'print the report as JSON');
}

function positive(v: string | undefined, name: string, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1e12) throw new CliError('USAGE', `--${name} must be a whole number above 0 (got "${v.slice(0, 20)}")`);
  return Number(v);
}

/**
 * Include/exclude rules in the order written (last match wins): commander keeps the two options
 * apart, so their order is taken from its per-occurrence events.
 */
export function trackRules(cmd: Command): () => FolderRule[] {
  const rules: FolderRule[] = [];
  for (const action of ['include', 'exclude'] as const) {
    cmd.on(`option:${action}`, (pattern: string) => {
      const rule: FolderRule = { action, pattern };
      try {
        validateFolderRule(rule);
      } catch (err) {
        if (err instanceof MigrateError) throw new CliError('USAGE', `--${action}: ${err.message}`);
        throw err;
      }
      rules.push(rule);
    });
  }
  return () => [...rules];
}

export function connectOptions(flags: MigrateFlags, ca: string | undefined): OpenOptions {
  const idle = positive(flags.timeout, 'timeout', 120)! * 1000;
  return { insecure: flags.insecure === true, allowPlaintext: flags.allowPlaintext === true, idleTimeoutMs: idle, ...(ca !== undefined ? { ca } : {}) };
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new CliError('FILE_UNREADABLE', `cannot read ${what} ${file}`);
  }
}

export interface Parsed { copy: Omit<CopyOptions, 'onEvent' | 'signal'>; open: OpenOptions }

export async function parseMigrateFlags(flags: MigrateFlags, rules: readonly FolderRule[]): Promise<Parsed> {
  const mark = flags.mark === false ? null : flags.mark ?? '$Migrated';
  if (mark !== null && !isImapKeyword(mark)) throw new CliError('USAGE', '--mark must be an IMAP keyword such as $Migrated (ASCII, no spaces or ( ) { % * " \\ ])');
  const ca = flags.ca !== undefined ? await readPem(flags.ca, 'the --ca file') : undefined;
  const trust = flags.trust ? await Promise.all(flags.trust.map((f) => readPem(f, 'the --trust file'))) : undefined;
  const mps = positive(flags.maxMessagesPerSecond, 'max-messages-per-second');
  const bps = positive(flags.maxBytesPerSecond, 'max-bytes-per-second');
  const copy: Parsed['copy'] = {
    mark,
    rules,
    lanes: positive(flags.connections, 'connections', 4)!,
    verify: flags.verify !== false,
    reverify: flags.reverify === true,
    ...(flags.under !== undefined ? { underFolder: flags.under } : {}),
    ...(trust ? { trustAnchorsPem: trust } : {}),
    ...(mps || bps ? { throttle: new Throttle({ ...(mps ? { messagesPerSecond: mps } : {}), ...(bps ? { bytesPerSecond: bps } : {}) }) } : {}),
  };
  if (flags.state !== undefined && flags.data !== undefined) throw new CliError('USAGE', 'give either --state or --data, not both');
  return { copy, open: connectOptions(flags, ca) };
}
