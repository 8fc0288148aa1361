/** The logging the worker needs; a Powertools `Logger` fits. Extra objects are merged into the structured entry. */
export interface WorkerLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * A logger that drops everything (tests, benchmarks).
 *
 * @example
 * createWorker({ config, usersClient, sqsClient, dynamoClient, logger: silentWorkerLogger });
 */
export const silentWorkerLogger: WorkerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
