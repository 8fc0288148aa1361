import { STATUS_CODES } from 'node:http';
import { redactEmailsIn } from '@idp-sync/common';

/**
 * What every error of this package may know about the request and the server's RFC 9457 problem document.
 *
 * @example
 * new NotFoundError({ status: 404, title: 'Not Found', method: 'GET', path: '/v2/users/x', operation: 'users.get' });
 */
export interface UsersApiErrorInit {
  message?: string;
  status?: number;
  title?: string;
  detail?: string;
  type?: string;
  instance?: string;
  /** HTTP method of the failed request. */
  method?: string;
  /** Request path without its query (the query may hold an email address). */
  path?: string;
  /** The client method, e.g. `users.get`. */
  operation?: string;
  /** How many HTTP attempts were made before this error was final. */
  attempts?: number;
  /** An earlier attempt of the same call failed in a way the server may nonetheless have applied. */
  priorAttemptUncertain?: boolean;
  cause?: unknown;
}

/**
 * The root of every error this client throws. `status` and the problem fields are set when the server answered.
 * Messages never contain a full email address.
 *
 * @example
 * try { await client.users.delete({ userId }); } catch (e) { if (e instanceof UsersApiError) console.warn(e.status, e.message); }
 */
export class UsersApiError extends Error {
  override name = 'UsersApiError';
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly type?: string;
  readonly instance?: string;
  readonly method?: string;
  readonly path?: string;
  readonly operation?: string;
  attempts?: number;
  priorAttemptUncertain?: boolean;

  constructor(init: UsersApiErrorInit = {}) {
    super(redactEmailsIn(init.message ?? describe(init)), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail === undefined ? undefined : redactEmailsIn(init.detail);
    this.type = init.type;
    this.instance = init.instance;
    this.method = init.method;
    this.path = init.path;
    this.operation = init.operation;
    this.attempts = init.attempts;
    this.priorAttemptUncertain = init.priorAttemptUncertain;
  }
}

function describe(init: UsersApiErrorInit): string {
  const head = init.operation ? `${init.operation} failed` : 'Users API request failed';
  const status =
    init.status === undefined ? '' : `: ${init.status} ${init.title ?? STATUS_CODES[init.status] ?? ''}`.trimEnd();
  const detail = init.detail ? ` — ${init.detail}` : '';
  const where = init.method && init.path ? ` (${init.method} ${init.path})` : '';
  return `${head}${status}${detail}${where}`;
}

/**
 * 400: the server rejected the request as malformed or not allowed in the user's state (e.g. resend to an ACTIVE user).
 *
 * @example
 * if (e instanceof BadRequestError) console.warn(e.detail);
 */
export class BadRequestError extends UsersApiError {
  override name = 'BadRequestError';
}

/**
 * 401: the API key is missing, wrong or revoked.
 *
 * @example
 * if (e instanceof UnauthorizedError) console.error('check ARIZE_API_KEY');
 */
export class UnauthorizedError extends UsersApiError {
  override name = 'UnauthorizedError';
}

/**
 * 403: the API key's user lacks the permission (e.g. USER_DELETE).
 *
 * @example
 * if (e instanceof ForbiddenError) console.error(e.detail);
 */
export class ForbiddenError extends UsersApiError {
  override name = 'ForbiddenError';
}

/**
 * 404: the user is missing, deleted, in another account, or unreadable by the caller.
 *
 * @example
 * try { await client.users.get({ user: id }); } catch (e) { if (e instanceof NotFoundError) return null; throw e; }
 */
export class NotFoundError extends UsersApiError {
  override name = 'NotFoundError';
}

/**
 * 409: the email belongs to an active member or to a deleted user (who can never be re-created).
 *
 * @example
 * if (e instanceof ConflictError) console.info('already a member, or deleted for good');
 */
export class ConflictError extends UsersApiError {
  override name = 'ConflictError';
}

/**
 * 422: the request was well-formed but semantically invalid.
 *
 * @example
 * if (e instanceof UnprocessableEntityError) console.warn(e.detail);
 */
export class UnprocessableEntityError extends UsersApiError {
  override name = 'UnprocessableEntityError';
}

/**
 * 429: too many requests. `retryAfterMs` is the server's `Retry-After` (delta seconds or HTTP date) in milliseconds.
 *
 * @example
 * if (e instanceof RateLimitedError) await sleep(e.retryAfterMs ?? 1000);
 */
export class RateLimitedError extends UsersApiError {
  override name = 'RateLimitedError';
  readonly retryAfterMs?: number;
  constructor(init: UsersApiErrorInit & { retryAfterMs?: number } = {}) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * 5xx: the server failed. `retryAfterMs` is set when a 503 carried `Retry-After`.
 *
 * @example
 * if (e instanceof ServerError && isRetryable(e)) requeue();
 */
export class ServerError extends UsersApiError {
  override name = 'ServerError';
  readonly retryAfterMs?: number;
  constructor(init: UsersApiErrorInit & { retryAfterMs?: number } = {}) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * A status the contract does not list for this endpoint and no other class covers (e.g. 405, 410, a 3xx).
 *
 * @example
 * if (e instanceof UnexpectedStatusError) console.error(e.status);
 */
export class UnexpectedStatusError extends UsersApiError {
  override name = 'UnexpectedStatusError';
}

/**
 * The connection failed. `notSent` is true when the request surely never reached the server (connection refused, DNS
 * failure, connect timeout) — the only network failures after which a non-idempotent call is safe to repeat.
 *
 * @example
 * if (e instanceof NetworkError && e.notSent) console.info('nothing happened on the server');
 */
export class NetworkError extends UsersApiError {
  override name = 'NetworkError';
  readonly notSent: boolean;
  readonly code?: string;
  constructor(init: UsersApiErrorInit & { notSent?: boolean; code?: string } = {}) {
    super(init);
    this.notSent = init.notSent ?? false;
    this.code = init.code;
  }
}

/**
 * The per-request timeout (`timeoutMs`, or what was left of the retry budget) elapsed before the response was read.
 * The server may still have applied the request.
 *
 * @example
 * if (e instanceof TimeoutError) console.warn(`no answer in ${e.timeoutMs} ms`);
 */
export class TimeoutError extends UsersApiError {
  override name = 'TimeoutError';
  readonly timeoutMs?: number;
  constructor(init: UsersApiErrorInit & { timeoutMs?: number } = {}) {
    super(init);
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` fired. Never retried.
 *
 * @example
 * const ac = new AbortController(); ac.abort(); await client.users.list({}, { signal: ac.signal }); // throws AbortedError
 */
export class AbortedError extends UsersApiError {
  override name = 'AbortedError';
}

/**
 * One problem found in a response or an input, by field path (e.g. `users[3].created_at`).
 *
 * @example
 * for (const issue of error.issues) console.error(`${issue.path}: ${issue.message}`);
 */
export interface ResponseIssue {
  path: string;
  message: string;
}

/**
 * A response broke the contract: a required field missing or wrongly typed, an unknown enum value, a body that is not
 * JSON, a success status the endpoint does not use. `field` names the first offending field path.
 *
 * @example
 * if (e instanceof InvalidResponseError) console.error(e.field, e.issues);
 */
export class InvalidResponseError extends UsersApiError {
  override name = 'InvalidResponseError';
  readonly field?: string;
  readonly issues: ResponseIssue[];
  constructor(init: UsersApiErrorInit & { issues?: ResponseIssue[] } = {}) {
    super(init);
    this.issues = init.issues ?? [];
    this.field = this.issues[0]?.path;
  }
}

/**
 * Client-side input check failed; nothing was sent. `issues` lists every problem by parameter path.
 *
 * @example
 * try { await client.users.update({ userId }); } catch (e) { if (e instanceof ValidationError) console.error(e.issues); }
 */
export class ValidationError extends UsersApiError {
  override name = 'ValidationError';
  readonly issues: ResponseIssue[];
  constructor(init: UsersApiErrorInit & { issues?: ResponseIssue[] } = {}) {
    super(init);
    this.issues = init.issues ?? [];
  }
}

/**
 * The client cannot be built: no API key, an invalid base URL or option. The message says what to set.
 *
 * @example
 * try { createUsersClient({}); } catch (e) { if (e instanceof ConfigurationError) console.error(e.message); }
 */
export class ConfigurationError extends UsersApiError {
  override name = 'ConfigurationError';
}

/**
 * Whether a later identical request may succeed: 429, 5xx, network failures and timeouts. Whether repeating is *safe*
 * is a separate question the client's retry policy answers per method (see README).
 *
 * @example
 * catch (e) { if (isRetryable(e)) throw e; else sendToDlq(e); }
 */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof RateLimitedError ||
    error instanceof ServerError ||
    error instanceof NetworkError ||
    error instanceof TimeoutError
  );
}
