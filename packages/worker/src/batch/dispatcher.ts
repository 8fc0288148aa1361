import { parseRetryAfter } from '@idp-sync/users-client';

/** undici's header record (its `IncomingHttpHeaders`). */
type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Duplex } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { UsersApiRateLimiter } from './users-api-rate-limiter';

/**
 * Reports each response's status (and Retry-After) to the limiter and otherwise forwards every callback. undici's
 * `compose` hands interceptors handlers in the current (controller-based) shape, so only that shape is forwarded.
 */
class ObservingHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #limiter: UsersApiRateLimiter;

  constructor(handler: Dispatcher.DispatchHandler, limiter: UsersApiRateLimiter) {
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

/** Slots already taken for the current call (see {@link limitUsersApi}); an attempt consumes one instead of waiting. */
const prepaid = new AsyncLocalStorage<{ slots: number }>();

type AbortSource = {
  aborted?: boolean;
  once?: (e: 'abort', f: () => void) => unknown;
  off?: (e: 'abort', f: () => void) => unknown;
  addEventListener?: (e: 'abort', f: () => void) => void;
  removeEventListener?: (e: 'abort', f: () => void) => void;
};

/** Subscribes to an undici request signal (an EventEmitter or an AbortSignal); returns the unsubscribe. */
function onAbort(signal: unknown, listener: () => void): () => void {
  const s = signal as AbortSource | undefined;
  if (s === undefined || s === null) return () => undefined;
  if (typeof s.addEventListener === 'function') {
    s.addEventListener('abort', listener);
    return () => s.removeEventListener?.('abort', listener);
  }
  if (typeof s.once === 'function') {
    s.once('abort', listener);
    return () => s.off?.('abort', listener);
  }
  return () => undefined;
}

/**
 * An undici interceptor that takes a slot from `limiter` before every HTTP request and tells it about every answer.
 * Sitting under the Users API client, it sees what actually goes on the wire: each attempt of a retried call and
 * each delete inside `users.bulkDelete`. An attempt whose slot was taken before the client started its timer (see
 * {@link limitUsersApi}) goes at once; a request aborted (timed out) while waiting for a slot is never sent.
 * Reached through {@link createRateLimitedDispatcher}.
 */
function rateLimitInterceptor(limiter: UsersApiRateLimiter): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const observed = new ObservingHandler(handler, limiter);
    const paid = prepaid.getStore();
    if (paid !== undefined && paid.slots > 0) {
      paid.slots--;
      return dispatch(options, observed);
    }
    let aborted = false;
    const unsubscribe = onAbort((options as { signal?: unknown }).signal, () => {
      aborted = true;
    });
    limiter.acquire().then(
      () => {
        unsubscribe();
        if (aborted) {
          observed.onResponseError(IDLE_CONTROLLER, new Error('aborted while waiting for a rate-limit slot'));
          return;
        }
        try {
          dispatch(options, observed);
        } catch (error) {
          observed.onResponseError(IDLE_CONTROLLER, error as Error);
        }
      },
      (error: unknown) => {
        unsubscribe();
        observed.onResponseError(IDLE_CONTROLLER, error as Error);
      },
    );
    return true;
  };
}

/** The single-request operations whose slot is taken before the call (so waiting never eats the call's timeout). */
const PREPAID_OPERATIONS = new Set(['get', 'list', 'create', 'update', 'delete', 'resendInvitation', 'resetPassword']);

/**
 * Wraps a Users API client's `users` so each single-request operation first waits for a rate-limit slot and only
 * then starts (and times) its request: a backlog in front of the limiter must not turn into client timeouts. The
 * interceptor under the client then lets that first attempt through without a second slot; retries, further
 * pages and the deletes inside `bulkDelete` take their own slots there.
 *
 * @example
 * const users = limitUsersApi(client.users, limiter);
 * await users.update({ userId, name: 'Ada' }); // waits for a slot, then sends
 */
export function limitUsersApi<T extends object>(users: T, limiter: UsersApiRateLimiter): T {
  return new Proxy(users, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !PREPAID_OPERATIONS.has(property)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        await limiter.acquire();
        return prepaid.run({ slots: 1 }, () => value.apply(target, args));
      };
    },
  });
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
  limiter: UsersApiRateLimiter,
  options: { connections?: number } = {},
): { dispatcher: Dispatcher; close(): Promise<void> } {
  const agent = new Agent({ connections: options.connections ?? 16, keepAliveTimeout: 30_000 });
  return { dispatcher: agent.compose(rateLimitInterceptor(limiter)), close: () => agent.close() };
}
