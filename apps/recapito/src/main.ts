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

export function program(): Command {
  const root = new Command('recapito')
    .description('Recapito: certified e-mail (PEC) provider, tools and migration')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)');
  registerDemo(root);
  const pki = root.command('pki').description('key material for signing PEC messages').exitOverride();
  registerPkiInit(pki);
  const pec = root.command('pec').description('build, inspect and verify PEC messages').exitOverride();
  registerPecInspect(pec);
  registerPecBuild(pec);
  for (const c of [...pki.commands, ...pec.commands, ...root.commands]) c.exitOverride();
  return root;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
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
