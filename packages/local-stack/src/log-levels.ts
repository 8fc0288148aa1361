import { LOG_LEVEL_ENV, type LogLevel, LOG_LEVEL_RANK as RANK } from '@idp-sync/http';

/** The variable the stack sets while a handler module loads (the handlers read their level at INIT). */
const STACK_LEVEL_ENV = 'POWERTOOLS_LOG_LEVEL';

/**
 * The log levels the stack gives its handlers, or `undefined` for each when the user set a level in the environment
 * (`AWS_LAMBDA_LOG_LEVEL`, `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`, as the handlers read them): theirs wins.
 *
 * By default the worker logs WARN and above (to stderr: why a command is retried or dead-lettered, which its batch line
 * does not say), while the ingest and SCIM functions log ERROR and above only: what they warn about is a refused
 * request, and the request line already carries the reason (`rejectionDetail`). The HTTP functions are
 * never more verbose than the worker unless `httpLogLevel` says so.
 *
 * @example
 * stackLogLevels({ logLevel: 'WARN' }, process.env) // { worker: 'WARN', http: 'ERROR' } when no level is set
 */
export function stackLogLevels(
  options: { logLevel?: LogLevel; httpLogLevel?: LogLevel },
  env: Readonly<Record<string, string | undefined>>,
): { worker: LogLevel | undefined; http: LogLevel | undefined } {
  if (LOG_LEVEL_ENV.some((name) => env[name]?.trim())) return { worker: undefined, http: undefined };
  const worker = options.logLevel ?? 'WARN';
  const http = options.httpLogLevel ?? (RANK[worker] > RANK.ERROR ? worker : 'ERROR');
  return { worker, http };
}

/**
 * Runs `load` (a handler module's INIT) with `POWERTOOLS_LOG_LEVEL` set to `level`, then puts the variable back as it
 * was, so each function gets its own level in one process. `undefined` leaves the environment alone.
 *
 * @example
 * const ingest = await withLogLevel('ERROR', loadIngestHandler);
 */
export async function withLogLevel<T>(level: LogLevel | undefined, load: () => Promise<T>): Promise<T> {
  if (level === undefined) return load();
  const before = process.env[STACK_LEVEL_ENV];
  process.env[STACK_LEVEL_ENV] = level;
  try {
    return await load();
  } finally {
    if (before === undefined) delete process.env[STACK_LEVEL_ENV];
    else process.env[STACK_LEVEL_ENV] = before;
  }
}
