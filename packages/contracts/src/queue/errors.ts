import type { TransientFailure } from '@idp-sync/common';

/**
 * SQS did not accept every command of a request (after retries). The request must fail with a 5xx so the source
 * redelivers; commands that were accepted are deduplicated downstream.
 *
 * @example
 * try { await sender.send(commands) } catch (e) { if (e instanceof QueueSendError) return serviceUnavailable() }
 */
export class QueueSendError extends Error implements TransientFailure {
  override readonly name = 'QueueSendError';
  /** The source should retry: answered 503. */
  readonly transient = true as const;
  /** Commands SQS did not accept. */
  readonly failed: number;
  readonly total: number;
  /** SQS error codes seen (from `Failed` entries or thrown errors), for the log. */
  readonly codes: readonly string[];

  constructor(failed: number, total: number, codes: readonly string[], options?: { cause?: unknown }) {
    super(`SQS did not accept ${failed} of ${total} commands (${codes.join(', ') || 'no error code'})`, options);
    this.failed = failed;
    this.total = total;
    this.codes = codes;
  }
}

/** A command that does not satisfy the contract reached the sender: a bug upstream, never sent. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
}
