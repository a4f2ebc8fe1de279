/**
 * CLI failures. Exit codes are part of the interface: 0 success, 1 the inputs were checked and
 * found wanting (e.g. a message that is not valid PEC), 2 usage error, 3 runtime failure.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(code: string, message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Codes the CLI itself reports (on stderr as `[CODE]`). Documented in docs/errors.md. */
export const CLI_ERRORS = {
  USAGE: 'A command, option or argument is missing or invalid; the message says which. Exit 2.',
  FILE_UNREADABLE: 'An input file does not exist or cannot be read. Exit 2.',
  TRUST_UNREADABLE: 'A --trust file cannot be read. Exit 2.',
  INDEX_UNREADABLE: "The --index file (providers' index) cannot be read. Exit 2.",
  PKI_MISSING: 'The key material folder lacks provider.pem / provider.key (or ca.pem / ca.key for --ca). Exit 2.',
  PKI_INVALID: 'The provider certificate cannot be used (no e-mail address, no certificate). Exit 2.',
  PKI_EXISTS: 'pki init would overwrite existing key material; pass --force to replace it. Exit 2.',
  CONFIG_INVALID: 'recapito.json in the data folder is not valid; the message names the field. Exit 2.',
  DATA_MISSING: 'The --data folder holds no provider; create one with recapito init. Exit 2.',
  DATA_EXISTS: 'recapito init would overwrite an existing provider. Exit 2.',
  DOMAIN_UNKNOWN: 'The mailbox domain is not served by this provider; add it with recapito domain add. Exit 2.',
  MAILBOX_EXISTS: 'A mailbox with that address already exists. Exit 2.',
  MAILBOX_NOT_FOUND: 'No mailbox with that address. Exit 2.',
  PASSWORD_POLICY: 'The password breaks the policy; every violated rule is listed in Italian and English. Exit 2.',
  STORE_UNAVAILABLE: 'The store cannot be opened (database unreachable, data folder unreadable). Exit 3.',
  PASSWORD_MISSING: 'migrate: no password for a mailbox; give --from-password-file / --to-password-file, set RECAPITO_FROM_PASSWORD / RECAPITO_TO_PASSWORD, or run on a terminal to be asked. Exit 2.',
  INTERRUPTED: 'migrate: stopped by SIGINT or SIGTERM between two messages; run the same command again to resume. Exit 3.',
  MESSAGE_TOO_LARGE: 'pec inspect: the file is larger than the 200 MB inspection limit (reported as a problem).',
} as const;
