/**
 * The `recapito` command line: composition root of the project. Parses arguments, runs one
 * command, maps every failure to a clear message and a documented exit code (never a stack
 * trace).
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './lib/cli-error.ts';
import { ACCESS_WORKER_ENV } from './lib/access-workers.ts';

type Register = (root: Command) => Promise<void>;

/**
 * Commands by name, each loaded only when used: a command pulls in its own stack (servers,
 * signatures, database), and a migration run should not pay for the others at every start.
 */
const COMMANDS: Record<string, Register> = {
  demo: async (root) => (await import('./commands/demo.ts')).registerDemo(root),
  init: async (root) => (await import('./commands/init.ts')).registerInit(root),
  serve: async (root) => (await import('./commands/serve.ts')).registerServe(root),
  domain: async (root) => (await import('./commands/domain.ts')).registerDomain(root),
  mailbox: async (root) => {
    const mailbox = root.command('mailbox').description('certified mailboxes');
    (await import('./commands/mailbox-add.ts')).registerMailboxAdd(mailbox);
    (await import('./commands/mailbox-set.ts')).registerMailboxSet(mailbox);
    (await import('./commands/mailbox-list.ts')).registerMailboxList(mailbox);
    (await import('./commands/mailbox-export.ts')).registerMailboxExport(mailbox);
  },
  index: async (root) => (await import('./commands/index-cmd.ts')).registerIndex(root),
  log: async (root) => (await import('./commands/log.ts')).registerLog(root),
  pki: async (root) => {
    const pki = root.command('pki').description('key material for signing PEC messages');
    (await import('./commands/pki-init.ts')).registerPkiInit(pki);
  },
  pec: async (root) => {
    const pec = root.command('pec').description('build, inspect and verify PEC messages');
    (await import('./commands/pec-inspect.ts')).registerPecInspect(pec);
    (await import('./commands/pec-build.ts')).registerPecBuild(pec);
  },
  migrate: async (root) => {
    const migrate = root.command('migrate').description('copy mailboxes from another provider over IMAP: verified, resumable');
    (await import('./commands/migrate-copy.ts')).registerMigrateCopy(migrate);
    (await import('./commands/migrate-batch.ts')).registerMigrateBatch(migrate);
  },
};

/** The CLI with the command named by `argv` (all commands when it names none we know). */
export async function program(argv: readonly string[] = []): Promise<Command> {
  const root = new Command('recapito')
    .description('Recapito: certified e-mail (PEC) provider, tools and migration')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)');
  const name = argv.find((a) => !a.startsWith('-'));
  const wanted = name !== undefined && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const n of wanted) await COMMANDS[n]!(root);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(root)) c.exitOverride();
  return root;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // An access worker forked by `serve --access-workers` (lib/access-workers.ts).
  const worker = process.env[ACCESS_WORKER_ENV];
  if (worker) return (await import('./lib/access-worker-main.ts')).runAccessWorker(worker);
  const cli = await program(argv);
  let exit: number = EXIT.ok;
  cli.hook('postAction', (_this, action) => {
    const v = action.getOptionValue('exit');
    if (typeof v === 'number') exit = v;
  });
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; parse errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`recapito: ${err.message} [${err.code}]\n`);
      return err.exitCode;
    }
    const e = err as { code?: string; message?: string };
    process.stderr.write(`recapito: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}\n`);
    return EXIT.failure;
  }
}
