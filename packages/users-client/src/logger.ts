/**
 * Where the client writes its few messages: pre-release warnings (`warn`) and retry decisions (`debug`). Nothing it
 * logs contains an API key, a temporary password or a full email address.
 *
 * @example
 * createUsersClient({ logger: { warn: (m) => powertoolsLogger.warn(m), debug: (m, d) => powertoolsLogger.debug(m, d) } });
 */
export interface Logger {
  warn(message: string): void;
  debug?(message: string, data?: object): void;
}

/** The default logger: warnings to stderr via `console.warn`, debug dropped. */
export const consoleLogger: Logger = {
  warn(message: string) {
    console.warn(message);
  },
};
