/**
 * The `recapito` command line: composition root of the project. Parses arguments, runs one
 * command, maps every failure to a clear message and a documented exit code (never a stack
 * trace).
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './lib/cli-error.ts';
import { registerPkiInit } from './commands/pki-init.ts';
import { registerPecInspect } from './commands/pec-inspect.ts';
import { registerPecBuild } from './commands/pec-build.ts';
import { registerDemo } from './commands/demo.ts';
import { registerInit } from './commands/init.ts';
import { registerServe } from './commands/serve.ts';
import { registerDomain } from './commands/domain.ts';
import { registerMailboxAdd } from './commands/mailbox-add.ts';
import { registerMailboxSet } from './commands/mailbox-set.ts';
import { registerMailboxList } from './commands/mailbox-list.ts';
import { registerMailboxExport } from './commands/mailbox-export.ts';
import { registerIndex } from './commands/index-cmd.ts';
import { registerLog } from './commands/log.ts';
import { ACCESS_WORKER_ENV } from './lib/access-workers.ts';
import { runAccessWorker } from './lib/access-worker-main.ts';

export function program(): Command {
  const root = new Command('recapito')
    .description('Recapito: certified e-mail (PEC) provider, tools and migration')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)');
  registerDemo(root);
  registerInit(root);
  registerServe(root);
  registerDomain(root);
  const mailbox = root.command('mailbox').description('certified mailboxes');
  registerMailboxAdd(mailbox);
  registerMailboxSet(mailbox);
  registerMailboxList(mailbox);
  registerMailboxExport(mailbox);
  registerIndex(root);
  registerLog(root);
  const pki = root.command('pki').description('key material for signing PEC messages').exitOverride();
  registerPkiInit(pki);
  const pec = root.command('pec').description('build, inspect and verify PEC messages').exitOverride();
  registerPecInspect(pec);
  registerPecBuild(pec);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(root)) c.exitOverride();
  return root;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // An access worker forked by `serve --access-workers` (lib/access-workers.ts).
  const worker = process.env[ACCESS_WORKER_ENV];
  if (worker) return runAccessWorker(worker);
  const cli = program();
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
