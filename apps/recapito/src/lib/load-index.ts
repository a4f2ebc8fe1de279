/** Reads a providers' index file: LDIF (RFC 6109 §5) or the JSON file form. */
import { readFile } from 'node:fs/promises';
import { ProvidersIndex, parseIndexFile, recordsFromLdif } from '@recapito/core';
import { CliError } from './cli-error.ts';

export async function loadIndex(path: string): Promise<ProvidersIndex> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('INDEX_UNREADABLE', `cannot read the providers' index ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    if (text.trimStart().startsWith('{')) return new ProvidersIndex(parseIndexFile(text));
    const { providers, problems } = recordsFromLdif(text);
    for (const p of problems) process.stderr.write(`warning: ${path}: ${p.code}: ${p.message}\n`);
    return new ProvidersIndex(providers);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'INDEX_INVALID';
    throw new CliError(code, `${path}: ${(err as Error).message}`);
  }
}
