import { parseRetryAfter } from '@idp-sync/users-client';

/** undici's header record (its `IncomingHttpHeaders`). */
type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

import type { Duplex } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { RateLimiter } from './rate-limiter';

/**
 * Reports each response's status (and Retry-After) to the limiter and otherwise forwards every callback. undici's
 * `compose` hands interceptors handlers in the current (controller-based) shape, so only that shape is forwarded.
 */
class ObservingHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #limiter: RateLimiter;

  constructor(handler: Dispatcher.DispatchHandler, limiter: RateLimiter) {
    this.#handler = handler;
    this.#limiter = limiter;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#limiter.onResponse(statusCode, statusCode === 429 ? parseRetryAfter(headers['retry-after']) : undefined);
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#handler.onResponseError?.(controller, error);
  }
}

/** Stands in for the controller when a request fails before it was dispatched (nothing to abort or pause). */
const IDLE_CONTROLLER = {
  abort: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
  aborted: false,
  paused: false,
  reason: null,
} as unknown as Dispatcher.DispatchController;

/**
 * An undici interceptor that takes a slot from `limiter` before every HTTP request and tells it about every answer.
 * Sitting under the Users API client, it counts what actually goes on the wire: each attempt of a retried call and
 * each delete inside `users.bulkDelete`.
 *
 * @example
 * const agent = new Agent().compose(rateLimitInterceptor(new RateLimiter({ ratePerSecond: 10 })));
 */
export function rateLimitInterceptor(limiter: RateLimiter): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const observed = new ObservingHandler(handler, limiter);
    limiter.acquire().then(
      () => {
        try {
          dispatch(options, observed);
        } catch (error) {
          observed.onResponseError(IDLE_CONTROLLER, error as Error);
        }
      },
      (error: unknown) => observed.onResponseError(IDLE_CONTROLLER, error as Error),
    );
    return true;
  };
}

/**
 * A keep-alive undici Agent whose requests all pass through {@link rateLimitInterceptor}; give it to the Users API
 * client as `dispatcher` (and close it yourself: a client leaves a dispatcher it was given open).
 *
 * @example
 * const dispatcher = createRateLimitedDispatcher(limiter, { connections: 16 });
 * const client = createUsersClient({ dispatcher });
 */
export function createRateLimitedDispatcher(
  limiter: RateLimiter,
  options: { connections?: number } = {},
): { dispatcher: Dispatcher; close(): Promise<void> } {
  const agent = new Agent({ connections: options.connections ?? 16, keepAliveTimeout: 30_000 });
  return { dispatcher: agent.compose(rateLimitInterceptor(limiter)), close: () => agent.close() };
}
