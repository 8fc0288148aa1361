import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { EXIT_ERROR } from '../../errors';
import { localStackEnvHelp } from '../local-env-help';
import { isQuiet } from './quiet';
import type { StartCommandOptions } from './run';

/**
 * Registers `idp-sync start`. The local stack (fauxqs, dynalite, every handler) is imported by the action, not here:
 * `idp-sync dlq …` and `--help` would otherwise pay for loading it on every run.
 *
 * @example
 * registerStartCommand(program, ctx);
 */
export function registerStartCommand(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description(
      'Run the whole pipeline on this machine: SQS, DynamoDB, the Users API emulator, ingest and worker ' +
        '(environment: see packages/local-stack/README.md).',
    )
    .option(
      '--quiet',
      'do not print a line per request and per worker batch (also IDP_SYNC_QUIET=1; through npm: npm start -- --quiet)',
    )
    .addHelpText('after', localStackEnvHelp('start'))
    .action(async (options: StartCommandOptions) => {
      const quiet = isQuiet(options, ctx.io.env);
      const { runStart, StartFailedError } = await import('./run');
      try {
        await runStart(ctx, { ...options, quiet });
      } catch (error) {
        if (!(error instanceof StartFailedError)) throw error;
        // The interface promises one line and exit 1. Run as the `idp-sync` process, exit here rather than let the
        // generic handler add a second "what to do" line; in-process (tests), surface the error.
        if (ctx.io.stderr === process.stderr) {
          process.stderr.write(`idp-sync start: ${error.message}\n`, () => process.exit(EXIT_ERROR));
          await new Promise(() => undefined);
        }
        throw error;
      }
    });
}
