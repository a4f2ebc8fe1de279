/**
 * Reads a password from a file or standard input (never from argv, where other users of the
 * machine could read it) and checks it against the policy, failing with every violated rule in
 * Italian and English.
 */
import { readFile } from 'node:fs/promises';
import { checkPassword } from '@recapito/core';
import { CliError } from './cli-error.ts';

export async function readPassword(file: string): Promise<string> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch {
    throw new CliError('FILE_UNREADABLE', `cannot read the password file ${file}`);
  }
  const pw = text.replace(/\r?\n$/, '');
  const violations = checkPassword(pw);
  if (violations.length > 0) {
    const lines = violations.map((v) => `  - ${v.message.it}\n    ${v.message.en}`).join('\n');
    throw new CliError('PASSWORD_POLICY', `la password non rispetta la politica / the password does not meet the policy:\n${lines}`);
  }
  return pw;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
