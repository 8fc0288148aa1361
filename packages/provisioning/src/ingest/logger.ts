/**
 * The logging ingest needs. Powertools' `Logger` satisfies it; so does a console wrapper locally. Callers pass only
 * redacted values: never a secret, signature, header set or full email address.
 */
export interface IngestLogger {
  debug(message: string, ...fields: Record<string, unknown>[]): void;
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
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
};
