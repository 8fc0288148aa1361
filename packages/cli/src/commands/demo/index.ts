import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { localStackEnvHelp } from '../local-env-help';

/**
 * Registers `idp-sync demo`. The local stack is imported by the action, not here, so that `idp-sync dlq …` and
 * `--help` do not pay for loading it.
 *
 * @example
 * registerDemoCommand(program, ctx);
 */
export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description(
      'Send a realistic, signed scenario from every source through the local stack (a running one, or its own) and ' +
        'show the users before and after, the DLQ and the Users API calls.',
    )
    .addHelpText('after', localStackEnvHelp('demo'))
    .action(async () => {
      const { runDemo } = await import('./run');
      await runDemo(ctx);
    });
}
