import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { ConfigurationError } from './errors';
import { consoleLogger, type UsersClientLogger } from './logger';
import type { RetryEvent } from './transport/retry';
import { userAgent } from './version';

/**
 * The vendor's production host; regional hosts are `https://api.<region>.arize.com`.
 *
 * @example
 * createUsersClient({ baseUrl: DEFAULT_BASE_URL.replace('api.', 'api.eu-west-1a.') });
 */
export const DEFAULT_BASE_URL = 'https://api.arize.com';

/**
 * Defaults, chosen so a caller with a 30 s budget (an SQS-driven Lambda) gets a few retries and an answer in time.
 *
 * @example
 * createUsersClient({ timeoutMs: DEFAULTS.timeoutMs / 2 });
 */
export const DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  budgetMs: 30_000,
  connections: 32,
} as const;

/**
 * Transport retries. `maxAttempts` counts the first attempt (1 = no retry). A wait is `baseDelayMs · 2^(n-1)` capped at
 * `maxDelayMs`, with jitter, or the server's `Retry-After`; a `Retry-After` longer than `maxDelayMs` is not waited out
 * (the error is thrown with `retryAfterMs` so the caller can reschedule). Attempts and waits together never exceed
 * `budgetMs`.
 *
 * @example
 * createUsersClient({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000, budgetMs: 10_000, onRetry: (e) => metrics.add(e.operation) } });
 */
export interface RetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  budgetMs?: number;
  /** Called before each wait-and-retry; for metrics and logs. */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * Options of {@link createUsersClient}; every one is optional.
 *
 * @example
 * const options: UsersClientOptions = { apiKey: process.env.KEY, timeoutMs: 5_000, retry: false };
 */
export interface UsersClientOptions {
  /** Default `process.env.ARIZE_API_KEY`; missing → {@link ConfigurationError}. */
  apiKey?: string;
  /** Default `process.env.ARIZE_BASE_URL`, else `https://api.arize.com`. A path prefix is kept (`https://proxy/arize`). */
  baseUrl?: string;
  /** Per HTTP attempt, from sending to the last body byte. Default 10 000. */
  timeoutMs?: number;
  /** `false` disables retries. */
  retry?: RetryOptions | false;
  /** Keep-alive pool size of the client's own undici Agent. Default 32. */
  connections?: number;
  logger?: UsersClientLogger;
  /** A product token put before the client's own in `User-Agent` (e.g. `idp-sync-worker/0.1.0`). */
  userAgent?: string;
  /** Use this undici dispatcher (e.g. a `MockAgent`) instead of an own Agent; `close()` then leaves it open. */
  dispatcher?: Dispatcher;
  /** The environment to read defaults from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Allow `http://` to a host that is not loopback (the API key would travel in clear). Default false. */
  allowInsecureHttp?: boolean;
}

/** The validated, resolved configuration a client runs with. */
export interface ResolvedConfig {
  apiKey: string;
  origin: string;
  /** Path prefix of the base URL without a trailing slash ('' for none). */
  basePath: string;
  timeoutMs: number;
  retry: Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;
  connections: number;
  logger: UsersClientLogger;
  userAgent: string;
  dispatcher?: Dispatcher;
  env: Record<string, string | undefined>;
}

const positiveInt = (max: number) => z.number().int().min(1).max(max);
const nonNegativeInt = (max: number) => z.number().int().min(0).max(max);

const OptionsSchema = z.object({
  apiKey: z.string().optional(),
  baseUrl: z.string().optional(),
  timeoutMs: positiveInt(600_000).optional(),
  retry: z
    .union([
      z.literal(false),
      z.object({
        maxAttempts: positiveInt(10).optional(),
        baseDelayMs: nonNegativeInt(60_000).optional(),
        maxDelayMs: nonNegativeInt(600_000).optional(),
        budgetMs: positiveInt(3_600_000).optional(),
        onRetry: z.custom<(e: RetryEvent) => void>((v) => typeof v === 'function', 'must be a function').optional(),
      }),
    ])
    .optional(),
  connections: positiveInt(1024).optional(),
  logger: z
    .custom<UsersClientLogger>(
      (v) => typeof v === 'object' && v !== null && typeof (v as UsersClientLogger).warn === 'function',
      'must be an object with a warn(message) function',
    )
    .optional(),
  userAgent: z
    .string()
    .regex(/^[\x21-\x7e][\x20-\x7e]*$/, 'must be printable ASCII')
    .max(200)
    .optional(),
  dispatcher: z
    .custom<Dispatcher>(
      (v) => typeof v === 'object' && v !== null && typeof (v as Dispatcher).request === 'function',
      'must be an undici Dispatcher',
    )
    .optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
  allowInsecureHttp: z.boolean().optional(),
});

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Validates options once, fills defaults from the environment, and fails with a message that says what to set.
 *
 * @example
 * resolveConfig({ apiKey: 'k', baseUrl: 'http://127.0.0.1:8080' }).origin // 'http://127.0.0.1:8080'
 */
export function resolveConfig(options: UsersClientOptions = {}): ResolvedConfig {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ConfigurationError({ message: `Invalid users client options — ${what}` });
  }
  const o = parsed.data;
  const env = o.env ?? process.env;

  const apiKey = (o.apiKey ?? env.ARIZE_API_KEY ?? '').trim();
  if (apiKey === '') {
    throw new ConfigurationError({
      message: 'No Users API key: pass createUsersClient({ apiKey }) or set the ARIZE_API_KEY environment variable',
    });
  }

  const rawBase = (o.baseUrl ?? env.ARIZE_BASE_URL ?? '').trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw new ConfigurationError({
      // The value is not quoted: a malformed URL may still carry credentials.
      message: `Invalid base URL: set baseUrl or ARIZE_BASE_URL to an absolute URL like ${DEFAULT_BASE_URL}`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError({
      message: `Invalid base URL: ${url.protocol} is not supported, only http and https`,
    });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError({
      message: 'Invalid base URL: it must not contain credentials, a query or a fragment (the key goes in apiKey)',
    });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && o.allowInsecureHttp !== true) {
    throw new ConfigurationError({
      message: `Refusing http:// to ${url.hostname}: the API key would travel in clear. Use https, or set allowInsecureHttp: true`,
    });
  }

  const retry =
    o.retry === false
      ? { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, budgetMs: DEFAULTS.budgetMs }
      : {
          maxAttempts: o.retry?.maxAttempts ?? DEFAULTS.maxAttempts,
          baseDelayMs: o.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs,
          maxDelayMs: o.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
          budgetMs: o.retry?.budgetMs ?? DEFAULTS.budgetMs,
          onRetry: o.retry?.onRetry,
        };
  const timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;

  return {
    apiKey,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    timeoutMs,
    retry,
    connections: o.connections ?? DEFAULTS.connections,
    logger: o.logger ?? consoleLogger,
    userAgent: userAgent(o.userAgent),
    dispatcher: o.dispatcher,
    env,
  };
}
