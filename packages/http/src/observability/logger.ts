/**
 * The logging ingest needs. {@link createJsonLogger} implements it for the Lambda functions; Powertools' `Logger`
 * and a console wrapper satisfy it too. Callers pass only redacted values: never a secret, signature, header set or
 * full email address.
 */
export interface IngestLogger {
  debug(message: string, ...fields: Record<string, unknown>[]): void;
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
  /**
   * Whether lines of this level are written, so a caller can skip building fields nobody reads (a debug line per
   * queued command). Loggers without it are taken to write every level.
   */
  isEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/**
 * A logger that drops everything (tests, benchmarks).
 *
 * @example
 * createIngestApp({ config, logger: silentLogger });
 */
export const silentLogger: IngestLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  isEnabled: () => false,
};
