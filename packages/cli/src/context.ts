import type { ErrorContext } from './describe-error';
import type { ResolveOptions } from './dlq/queues';
import type { CliIo } from './io';

/**
 * What every command action receives: the process's streams and environment, a place to record what it talks to
 * (so an error can name it), and injectable AWS clients for tests.
 *
 * @example
 * registerDlqCommands(program, { io, errorContext: {} });
 */
export interface CommandContext {
  io: CliIo;
  errorContext: ErrorContext;
  /** Replaces the CloudFormation client used by `--stack` (tests). */
  cloudFormation?: ResolveOptions['cloudFormation'];
}
