/** The levels a {@link Logger} writes, least to most severe. */
export type LoggerLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logging: every package logs through this one port. Each call is one entry, a message and field objects
 * merged into it. `createJsonLogger` (`@idp-sync/http`) implements it for the HTTP functions, a Powertools `Logger`
 * satisfies it in the worker, and a test can record calls. Callers pass only redacted values: never a secret, a
 * signature, a header set or a full email address (`redactEmail`).
 *
 * @example
 * function handle(logger: Logger) {
 *   logger.info('webhook accepted', { source: 'hr', queued: 1 });
 * }
 */
export interface Logger {
  debug(message: string, ...fields: Record<string, unknown>[]): void;
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
  /**
   * Whether entries of this level are written, so a caller can skip building fields nobody reads (a debug line per
   * queued command). Loggers without it are taken to write every level.
   */
  isEnabled?(level: LoggerLevel): boolean;
}

/**
 * A logger that drops everything: the default where no logger is given, and in tests and benchmarks.
 *
 * @example
 * createIngestApp({ config, logger: silentLogger });
 */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  isEnabled: () => false,
};
