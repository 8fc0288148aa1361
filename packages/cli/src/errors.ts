/**
 * The CLI's typed errors. Each carries the exit code it maps to and a `hint`: every error the on-call engineer sees
 * says what to do next.
 */

/** Exit codes of `idp-sync`: 0 done, 1 error, 2 bad usage, 130 interrupted (Ctrl-C). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
/**
 * 128 + SIGINT, the shell's convention, and what `npx`/`npm` report anyway: npm dies of the same Ctrl-C (the terminal
 * sends it to the whole process group) whatever its child returns.
 */
export const EXIT_INTERRUPTED = 130;

/**
 * Base class of every error the CLI reports itself (anything else is unexpected and reported as such).
 *
 * @example
 * throw new CliError('cannot reach SQS at http://127.0.0.1:4566', 'start the local stack with `npm start`');
 */
export class CliError extends Error {
  readonly exitCode: number = EXIT_ERROR;
  constructor(
    message: string,
    /** What to do about it, one sentence. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Bad usage: a wrong flag value, a missing required flag, a refused confirmation on a non-interactive stdin. Exit code 2.
 *
 * @example
 * throw new UsageError('--max must be a positive integer, got "ten"', 'pass a number, e.g. --max 10');
 */
export class UsageError extends CliError {
  override readonly exitCode: number = EXIT_USAGE;
}

/**
 * The queues could not be resolved (flags, stack outputs or local names). Exit code 1.
 *
 * @example
 * throw new QueueResolutionError('stack idp-sync has no output DlqUrl', 'pass --dlq-url');
 */
export class QueueResolutionError extends CliError {}

/**
 * A replay finished with failed messages. Exit code 1 (stopped by Ctrl-C: 130, see `runCli`).
 *
 * @example
 * throw new ReplayIncompleteError('interrupted after 120 moved', 'run the same command again to continue');
 */
export class ReplayIncompleteError extends CliError {}
