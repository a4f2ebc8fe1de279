/**
 * Passwords of the mailboxes a migration copies. They come from a file, an environment variable
 * or a prompt without echo: never from argv (visible to every user in the process list) and never
 * into a log or a report. These are passwords of other servers, so no local policy applies.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createInterface } from 'node:readline';
import { CliError } from './cli-error.ts';

export type Side = 'from' | 'to';

export const PASSWORD_ENV: Record<Side, string> = { from: 'RECAPITO_FROM_PASSWORD', to: 'RECAPITO_TO_PASSWORD' };

/** The file's first line (a trailing newline is not part of a password). */
export async function passwordFromFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path.startsWith('~/') ? homedir() + path.slice(1) : path, 'utf8');
  } catch {
    throw new CliError('FILE_UNREADABLE', `cannot read the password file of ${what}; check the path and its permissions`);
  }
  const pw = text.split(/\r?\n/)[0] ?? '';
  if (pw === '') throw new CliError('PASSWORD_MISSING', `the password file of ${what} is empty`);
  return pw;
}

export function passwordFromEnv(name: string, what: string): string {
  const pw = process.env[name];
  if (pw === undefined || pw === '') throw new CliError('PASSWORD_MISSING', `the environment variable ${name} (password of ${what}) is not set`);
  return pw;
}

/** Asks on the terminal without echoing what is typed. */
export function promptPassword(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput?: (s: string) => void };
    let asked = false;
    // readline echoes every key through _writeToOutput: after the question, print nothing.
    out._writeToOutput = (s: string): void => { if (!asked) process.stderr.write(s); };
    rl.question(question, (answer) => { rl.close(); process.stderr.write('\n'); resolve(answer); });
    asked = true;
    rl.on('SIGINT', () => { rl.close(); reject(new CliError('PASSWORD_MISSING', 'no password given (interrupted)')); });
  });
}

/** --X-password-file, else the environment, else a prompt when on a terminal. */
export async function resolvePassword(side: Side, file: string | undefined, what: string): Promise<string> {
  if (file !== undefined) return passwordFromFile(file, what);
  const env = process.env[PASSWORD_ENV[side]];
  if (env !== undefined && env !== '') return env;
  if (process.stdin.isTTY) {
    const pw = await promptPassword(`Password di ${what} / password of ${what}: `);
    if (pw !== '') return pw;
  }
  throw new CliError('PASSWORD_MISSING', `no password for ${what}: give --${side}-password-file FILE or set ${PASSWORD_ENV[side]} (or run on a terminal to be asked)`);
}
