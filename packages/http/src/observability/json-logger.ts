import { ConfigError, type Logger } from '@idp-sync/common';

/** Log levels, least to most severe. `SILENT` writes nothing. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * How severe each level is: a logger at level L writes the lines whose rank is at least L's.
 *
 * @example
 * LOG_LEVEL_RANK.ERROR > LOG_LEVEL_RANK.WARN // true
 */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  ERROR: 40,
  SILENT: 100,
};
const RANK = LOG_LEVEL_RANK;

/** Spellings other loggers use for the same levels (Powertools' TRACE and CRITICAL, Lambda's FATAL). */
const ALIASES: Readonly<Record<string, LogLevel>> = {
  TRACE: 'DEBUG',
  WARNING: 'WARN',
  CRITICAL: 'ERROR',
  FATAL: 'ERROR',
};

/**
 * The variables read for the level, first set wins: Lambda's own log-level control (set on the function by an
 * operator, so it wins, as in Powertools), then the ones Powertools reads.
 */
export const LOG_LEVEL_ENV = ['AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL'] as const;

/**
 * The log level from the environment (`AWS_LAMBDA_LOG_LEVEL`, then `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`; INFO when
 * none is set). An unknown value is a {@link ConfigError}, so a typo fails at INIT instead of silencing the logs.
 *
 * @example
 * logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'debug' }) // 'DEBUG'
 */
export function logLevelFromEnv(env: Readonly<Record<string, string | undefined>>): LogLevel {
  for (const name of LOG_LEVEL_ENV) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const upper = raw.toUpperCase();
    const level = (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : ALIASES[upper];
    if (!level)
      throw new ConfigError([`${name}: must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(raw)})`]);
    return level;
  }
  return 'INFO';
}

export interface JsonLoggerOptions {
  /** The `service` key of every line (the same name the function's metrics carry). */
  readonly serviceName: string;
  readonly level?: LogLevel;
  /** Where each line goes (one JSON document, no newline). Defaults to standard output. */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** A logger whose lines are single JSON documents, with per-invocation keys. */
export interface JsonLogger extends Logger {
  readonly level: LogLevel;
  /** Keys added to every line until the next call (the Lambda request id, cold start). */
  setInvocation(fields: Readonly<Record<string, unknown>>): void;
}

// Errors become their name, message and stack (JSON.stringify would write `{}`); bigints become strings (it would throw).
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Structured JSON logging for the HTTP functions (webhook ingest and SCIM), one line per call, keys as Powertools
 * Logger writes them (`level`, `message`, `timestamp`, `service`, `function_request_id`, `cold_start`, then the
 * fields) so log queries work across every function. Written here rather than taken from Powertools because the
 * webhook function's cold start budget (≤ 1.3× a bare SQS client) has no room for the library and its middleware.
 * Callers pass only redacted values, as with any `Logger`.
 *
 * @example
 * const logger = createJsonLogger({ serviceName: 'idp-sync-ingest', level: logLevelFromEnv(process.env) });
 * logger.info('webhook accepted', { source: 'hr', queued: 1 });
 */
export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const level = options.level ?? 'INFO';
  const threshold = RANK[level];
  const write = options.write ?? writeStdout;
  const now = options.now ?? Date.now;
  let invocation: Readonly<Record<string, unknown>> = {};

  function log(lineLevel: Exclude<LogLevel, 'SILENT'>, message: string, fields: Record<string, unknown>[]): void {
    if (RANK[lineLevel] < threshold) return;
    const line: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, {
      level: lineLevel,
      message,
      timestamp: new Date(now()).toISOString(),
      service: options.serviceName,
      ...invocation,
    });
    // Fields never overwrite the keys above: a field named `level` or `message` must not forge a line.
    for (const extra of fields) {
      for (const [key, value] of Object.entries(extra)) if (!Object.hasOwn(line, key)) line[key] = value;
    }
    let text: string;
    try {
      text = JSON.stringify(line, replacer);
    } catch {
      // A circular field: keep the line, lose the fields.
      const { level: l, message: m, timestamp, service } = line;
      text = JSON.stringify({
        level: l,
        message: m,
        timestamp,
        service,
        ...invocation,
        logError: 'fields not serializable',
      });
    }
    write(text);
  }

  return {
    level,
    setInvocation(fields) {
      invocation = { ...fields };
    },
    isEnabled: (lineLevel) => RANK[lineLevel.toUpperCase() as LogLevel] >= threshold,
    debug: (message, ...fields) => log('DEBUG', message, fields),
    info: (message, ...fields) => log('INFO', message, fields),
    warn: (message, ...fields) => log('WARN', message, fields),
    error: (message, ...fields) => log('ERROR', message, fields),
  };
}
