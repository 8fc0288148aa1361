import { ScimTimeoutError } from '../errors';

/**
 * Waits for `work` at most `ms` milliseconds; the signal passed to `work` is aborted when the budget runs out so that
 * a cooperative implementation stops (an uncooperative one is simply no longer awaited).
 *
 * @example
 * const user = await withTimeout((signal) => lookup.findByEmail(email, { signal }), 1000, 'Users API lookup');
 */
export async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ScimTimeoutError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
