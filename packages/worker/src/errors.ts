import { ConfigError } from '@idp-sync/common';

/**
 * The worker's environment is missing or malformed. Thrown at module load so a misconfigured Lambda fails at INIT
 * with a message that names every variable to fix (`problems`, one line each).
 *
 * @example
 * try { loadWorkerConfig({}); } catch (e) { if (e instanceof WorkerConfigError) console.error(e.problems); }
 */
export class WorkerConfigError extends ConfigError {
  override readonly name: string = 'WorkerConfigError';

  constructor(problems: readonly string[]) {
    super(problems, { subject: 'Invalid worker configuration' });
  }
}

/**
 * Thrown inside the per-group batch processor for a record left for SQS to redeliver, so Powertools reports it as a
 * batch item failure and skips that person's later records. Never escapes the worker.
 *
 * @example
 * throw new RecordRetryLater('m-1');
 */
export class RecordRetryLater extends Error {
  override readonly name = 'RecordRetryLater';
  constructor(messageId: string) {
    super(`record ${messageId} left for redelivery`);
  }
}
