import { redactEmail } from '@idp-sync/users-client';

/** The logging the worker needs; a Powertools `Logger` fits. Extra objects are merged into the structured entry. */
export interface WorkerLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

const EMAIL_IN_TEXT = /([^\s@"'<>(),;:]+)@([^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+)/g;

/**
 * A free text with every email address reduced to its first character and domain; error messages and server
 * problem details may quote the address.
 *
 * @example
 * redactText('no user bob@example.com') // 'no user b***@example.com'
 */
export function redactText(text: string): string {
  return text.includes('@')
    ? text.replace(EMAIL_IN_TEXT, (_m, local: string, domain: string) => redactEmail(`${local}@${domain}`))
    : text;
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

export { redactEmail };
