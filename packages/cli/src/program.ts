import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerDeletesCommands } from './commands/deletes';
import { registerDemoCommand } from './commands/demo';
import { registerDlqCommands } from './commands/dlq';
import { registerDoctorCommand } from './commands/doctor';
import { registerReconcileCommand } from './commands/reconcile';
import { registerStartCommand } from './commands/start';
import type { CommandContext } from './context';
import { describeError } from './describe-error';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './errors';
import { interruptNotice } from './interrupt';
import { type CliIo, writeLine } from './io';
import { stopProgressOn } from './progress';

/** This package's version (the workspace ships sources: package.json is beside them, never bundled away). */
const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Registers one top-level command (each lives in its own module under `src/commands/`). */
export type CommandRegistrar = (program: Command, ctx: CommandContext) => void;

/**
 * The top-level commands. `start` and `demo` (the local stack) register here the same way as `dlq`.
 */
export const COMMANDS: readonly CommandRegistrar[] = [
  registerDlqCommands,
  registerDeletesCommands,
  registerReconcileCommand,
  registerDoctorCommand,
  registerStartCommand,
  registerDemoCommand,
];

export interface BuildProgramOptions {
  /** Extra commands, registered after {@link COMMANDS}. */
  commands?: readonly CommandRegistrar[];
  cloudFormation?: CommandContext['cloudFormation'];
}

/**
 * Builds the commander program, writing to the given streams and never calling `process.exit` itself.
 *
 * @example
 * const program = buildProgram({ io, errorContext: {} });
 * await program.parseAsync(['dlq', 'list'], { from: 'user' });
 */
export function buildProgram(ctx: CommandContext, options: BuildProgramOptions = {}): Command {
  const program = new Command('idp-sync')
    .description('idp-sync: identity-provider and HR webhooks → provisioning commands → the Users API.')
    .version(VERSION, '-V, --version', 'print the version of idp-sync')
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .exitOverride();
  for (const register of [...COMMANDS, ...(options.commands ?? [])]) register(program, ctx);
  return program;
}

export interface RunCliOptions extends BuildProgramOptions {}

/**
 * Runs `idp-sync` in-process with the given arguments (without the node and script names) and returns the exit code:
 * 0 done, 1 error, 2 bad usage, 130 stopped by `io.signal` (Ctrl-C). Every error is printed with what to do about it;
 * the first abort prints what happens next (after stopping any progress bar).
 *
 * @example
 * const code = await runCli(['dlq', 'list', '--json'], { stdout, stderr, stdin, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const ctx: CommandContext = { io, errorContext: {}, cloudFormation: options.cloudFormation };
  const program = buildProgram(ctx, options);
  // `start` stops on Ctrl-C as its normal end (exit 0); any other command stopped by it exits 130.
  const interruptible = argv.find((a) => !a.startsWith('-')) !== 'start';
  const onAbort = () => {
    // A progress bar would draw over the notice (and its leftovers glue onto the next line): stop it first.
    const hadBar = stopProgressOn(io.stderr);
    io.stderr.write(`${hadBar ? '' : '\n'}${interruptNotice(argv)}\n`);
  };
  io.signal?.addEventListener('abort', onAbort, { once: true });
  const interrupted = () => interruptible && io.signal?.aborted === true;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; add the CLI's usual last line.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      // `idp-sync` alone (or `dlq` alone) shows the help, which commander reports as an error.
      if (error.code === 'commander.help') return EXIT_USAGE;
      writeLine(io.stderr, `what to do: ${usageHint(program, argv)}`);
      return EXIT_USAGE;
    }
    // Ctrl-C at a confirmation prompt: the notice said it all.
    if (interrupted() && (error as Error)?.name === 'AbortError') return EXIT_INTERRUPTED;
    const report = describeError(error, ctx.errorContext);
    writeLine(io.stderr, `error: ${report.message}`);
    writeLine(io.stderr, `what to do: ${report.hint}`);
    return interrupted() ? EXIT_INTERRUPTED : report.exitCode;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The "what to do" of a usage error: the `--help` of the command that refused the arguments; for `start` and `demo`,
 * also that they are configured by environment variables (a newcomer tries `start --port 3370`).
 */
function usageHint(program: Command, argv: readonly string[]): string {
  const path: string[] = [];
  let current = program;
  for (const word of argv) {
    const sub = current.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    path.push(sub.name());
    current = sub;
  }
  const help = `run \`${['idp-sync', ...path, '--help'].join(' ')}\``;
  if (path[0] === 'start' || path[0] === 'demo') {
    return `${help}: the local stack takes no flags but environment variables, e.g. PORT=3370 npx idp-sync ${path[0]}`;
  }
  return help;
}
