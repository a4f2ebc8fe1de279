/**
 * Renders docs/errors.md from the code lists of every area, so the documentation cannot drift
 * from the code (a test compares them; `npm run docs:errors` rewrites the file).
 */
import {
  DATICERT_ERRORS, MIME_ERRORS, PEC_ERRORS, PKI_ERRORS, PROVIDERS_INDEX_ERRORS, SMIME_ERRORS, TIME_ERRORS,
  PASSWORD_ERROR_DESCRIPTIONS,
} from '@recapito/core';
import { STORE_ERRORS } from '@recapito/store';
import { SMTP_ERRORS } from '@recapito/smtp';
import { POP3_ERRORS } from '@recapito/pop3';
import { IMAP_RESPONSE_CODES } from '@recapito/imap';
import { MIGRATE_ERRORS } from '@recapito/migrate';
import { CLI_ERRORS } from './cli-error.ts';

const SECTIONS: [string, string, Readonly<Record<string, string>>][] = [
  ['MIME', 'Reading messages (`packages/core/src/mime`). Limits in `mime/limits.ts`.', MIME_ERRORS],
  ['S/MIME signatures', 'Returned as problems by verification; thrown by signing.', SMIME_ERRORS],
  ['PEC messages', 'Findings of `recapito pec inspect` and the classifier; builder failures.', PEC_ERRORS],
  ['daticert.xml', 'The strict reader and the writer (`packages/core/src/daticert`).', DATICERT_ERRORS],
  ["Providers' index", 'LDIF and JSON file form (`packages/core/src/providers-index`).', PROVIDERS_INDEX_ERRORS],
  ['Password policy', 'Each violation carries an Italian and an English message.', PASSWORD_ERROR_DESCRIPTIONS],
  ['Legal time', 'Dates in daticert.xml and headers.', TIME_ERRORS],
  ['Key material', 'Reading PEM files and issuing certificates.', PKI_ERRORS],
  ['Store', 'The provider store (`packages/store`): SQLite or PostgreSQL and the blob folder.', STORE_ERRORS],
  ['SMTP', 'Outbound SMTP between providers (`packages/smtp`); listeners answer with RFC 3463 codes.', SMTP_ERRORS],
  ['POP3', 'Replies of the POP3 listener (`packages/pop3`), with RFC 2449 / RFC 3206 response codes.', POP3_ERRORS],
  ['IMAP', 'Response codes of the IMAP listener (`packages/imap`) in `NO`/`BAD` replies; texts are English and Italian.', IMAP_RESPONSE_CODES],
  ['Migration', 'Endpoint URLs, folder rules and batch files of the migration engine (`packages/migrate`).', MIGRATE_ERRORS],
  ['Command line', 'Exit codes: 0 success, 1 inputs checked and found wanting, 2 usage error, 3 runtime failure.', CLI_ERRORS],
];

export function renderErrorsDoc(): string {
  let out = '# Error codes\n\nGenerated from the code by `npm run docs:errors`; do not edit by hand.\n' +
    'Every error and every finding carries one of these stable codes, on the wire, in `--json`\n' +
    'output and in CLI messages (`[CODE]`).\n';
  for (const [title, intro, codes] of SECTIONS) {
    out += `\n## ${title}\n\n${intro}\n\n| code | meaning |\n|---|---|\n`;
    for (const [code, text] of Object.entries(codes)) out += `| \`${code}\` | ${text.replace(/\|/g, '\\|')} |\n`;
  }
  return out;
}
