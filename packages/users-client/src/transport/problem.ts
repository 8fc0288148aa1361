import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UnexpectedStatusError,
  UnprocessableEntityError,
  type UsersApiError,
  type UsersApiErrorInit,
} from '../errors';
import { parseRetryAfter } from './retry';

/** The fields of an RFC 9457 problem document this client keeps (strings only; anything else is ignored). */
export interface Problem {
  title?: string;
  detail?: string;
  type?: string;
  instance?: string;
}

const str = (v: unknown, max = 2000): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);

/**
 * The problem fields of an error body. A body that is not a JSON object (a proxy's HTML page) yields nothing: its text is
 * not trusted into messages.
 *
 * @example
 * parseProblem('{"title":"Not Found","status":404}') // { title: 'Not Found', ... }
 */
export function parseProblem(text: string): Problem {
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  return { title: str(b.title, 200), detail: str(b.detail), type: str(b.type, 500), instance: str(b.instance, 500) };
}

/**
 * The typed error for a non-2xx status.
 *
 * @example
 * errorForStatus(404, {}, '{"title":"Not Found","status":404}', {}) instanceof NotFoundError // true
 */
export function errorForStatus(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  context: UsersApiErrorInit,
): UsersApiError {
  const init: UsersApiErrorInit = { ...context, ...parseProblem(text), status };
  switch (status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new UnauthorizedError(init);
    case 403:
      return new ForbiddenError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitedError({ ...init, retryAfterMs: parseRetryAfter(headers['retry-after']) });
    default:
      if (status >= 500 && status <= 599) {
        return new ServerError({ ...init, retryAfterMs: parseRetryAfter(headers['retry-after']) });
      }
      return new UnexpectedStatusError(init);
  }
}
