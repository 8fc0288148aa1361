import { isRetryable, NetworkError, RateLimitedError, ServerError, type UsersApiError } from '../errors';

/**
 * Which failures a request may be repeated after — a property of the endpoint, chosen deliberately (see README):
 * - `idempotent`: GET, PATCH, DELETE — the same request twice has the effect of once. Retried on 429, 5xx, network, timeout.
 * - `create`: POST /v2/users — idempotent on email for EMAIL_LINK and TEMPORARY_PASSWORD (a repeat answers 200 with the
 *   pending invite); for NONE the client reconciles a 409 after an uncertain attempt. Retried like `idempotent`.
 * - `side-effect`: resend-invitation and reset-password send mail; repeated only when the request surely did not reach
 *   the server (connection refused, DNS, connect timeout) or was refused before processing (429).
 *
 * @example
 * const policy: RetryPolicy = 'side-effect';
 */
export type RetryPolicy = 'idempotent' | 'create' | 'side-effect';

/**
 * What `retry.onRetry` and `logger.debug` are told before a wait-and-retry.
 *
 * @example
 * createUsersClient({ retry: { onRetry: (e: RetryEvent) => console.info(e.operation, e.attempt, e.delayMs, e.error.name) } });
 */
export interface RetryEvent {
  operation: string;
  method: string;
  path: string;
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Whether the wait is the server's `Retry-After` rather than the client's backoff. */
  fromRetryAfter: boolean;
  error: UsersApiError;
}

/**
 * Whether `error` may be followed by another attempt under `policy` (budget and attempts aside).
 *
 * @example
 * mayRetry('side-effect', new ServerError({ status: 503 })) // false: the mail may have gone out
 */
export function mayRetry(policy: RetryPolicy, error: unknown): boolean {
  if (policy === 'side-effect') {
    return error instanceof RateLimitedError || (error instanceof NetworkError && error.notSent);
  }
  return isRetryable(error);
}

/**
 * Whether a failed attempt may nonetheless have been applied by the server (so a repeat is not a first try).
 *
 * @example
 * mayHaveApplied(new RateLimitedError({ status: 429 })) // false
 */
export function mayHaveApplied(error: unknown): boolean {
  if (error instanceof RateLimitedError) return false;
  if (error instanceof NetworkError) return !error.notSent;
  return isRetryable(error);
}

/**
 * `Retry-After` (delta seconds or an HTTP date) in milliseconds from now; undefined when absent or unparseable.
 *
 * @example
 * parseRetryAfter('3') // 3000
 * parseRetryAfter(new Date(Date.now() + 2000).toUTCString()) // about 2000 (seconds precision)
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name; Date.parse alone would take "-1".
  if (!/^[A-Za-z]{3}/.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed (so retries are never immediate), the other
 * half random (so clients that failed together do not retry together).
 *
 * @example
 * backoffDelay(3, 250, 10_000, () => 0.5) // 750 (step 1000: 500 fixed + 0.5 · 500)
 */
export function backoffDelay(failures: number, baseDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The server's requested wait carried by an error, if any.
 *
 * @example
 * retryAfterOf(new RateLimitedError({ status: 429, retryAfterMs: 2000 })) // 2000
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof RateLimitedError || error instanceof ServerError) return error.retryAfterMs;
  return undefined;
}
