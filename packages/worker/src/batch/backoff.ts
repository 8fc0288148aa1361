export interface VisibilityBackoffOptions {
  baseSeconds: number;
  maxSeconds: number;
  /** The server's Retry-After: the message is not shown again before it. */
  retryAfterMs?: number;
  /** [0, 1) source for the jitter; injectable for tests. */
  random?: () => number;
}

/** SQS's own ceiling for a visibility timeout (12 hours). */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The visibility timeout for a message left for redelivery after its `receiveCount`-th receive failed:
 * `min(max, base·2^(n-1))`, jittered to 75–125 % (so messages that failed together come back spread out), never
 * above the maximum, and never earlier than the server's Retry-After.
 *
 * @example
 * visibilityTimeoutFor(1, { baseSeconds: 30, maxSeconds: 900, random: () => 0.5 }) // 30
 * visibilityTimeoutFor(3, { baseSeconds: 30, maxSeconds: 900, random: () => 0.5 }) // 120
 */
export function visibilityTimeoutFor(receiveCount: number, options: VisibilityBackoffOptions): number {
  const max = Math.min(options.maxSeconds, SQS_MAX_VISIBILITY_SECONDS);
  const exponent = Math.min(Math.max(receiveCount, 1) - 1, 30);
  const step = Math.min(max, options.baseSeconds * 2 ** exponent);
  const jitter = 0.75 + 0.5 * (options.random ?? Math.random)();
  let seconds = Math.round(step * jitter);
  if (options.retryAfterMs !== undefined) seconds = Math.max(seconds, Math.ceil(options.retryAfterMs / 1000));
  return Math.min(max, Math.max(1, seconds));
}
