import type { Logger } from '@idp-sync/common';

/**
 * Where the client writes its few messages: pre-release warnings (`warn`) and retry decisions (`debug`, optional).
 * The part of the project's `Logger` the client calls and no more, so the application's own logger (the worker's
 * Powertools `Logger`, the HTTP functions' JSON logger) fits as it is, and so does `console`. Nothing the client logs
 * contains an API key, a temporary password or a full email address.
 *
 * @example
 * createUsersClient({ logger: powertoolsLogger });
 * createUsersClient({ logger: console });
 */
export type UsersClientLogger = Pick<Logger, 'warn'> & Partial<Pick<Logger, 'debug'>>;

/** The default logger: warnings to stderr via `console.warn`, debug dropped. */
export const consoleLogger: UsersClientLogger = {
  warn(message: string) {
    console.warn(message);
  },
};
