/**
 * The worker's environment is missing or malformed. Thrown at module load so a misconfigured Lambda fails at INIT
 * with a message that names every variable to fix.
 *
 * @example
 * try { loadWorkerConfig({}); } catch (e) { if (e instanceof WorkerConfigError) console.error(e.issues); }
 */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  /** One line per problem, each naming the variable. */
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`Invalid worker configuration — ${issues.join('; ')}`);
    this.issues = issues;
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
