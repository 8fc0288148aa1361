import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { registerListCommand } from './list';
import { registerReplayCommand } from './replay';
import { registerShowCommand } from './show';

/**
 * Registers `idp-sync dlq <list|show|replay>`.
 *
 * @example
 * registerDlqCommands(program, ctx);
 */
export function registerDlqCommands(program: Command, ctx: CommandContext): void {
  const dlq = program
    .command('dlq')
    .description('Inspect and replay the dead-letter queue (on-call: see packages/cli/README.md).');
  registerListCommand(dlq, ctx);
  registerShowCommand(dlq, ctx);
  registerReplayCommand(dlq, ctx);
}
