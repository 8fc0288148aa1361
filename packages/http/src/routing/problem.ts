import type { FieldError, ProblemError } from '../errors';
import type { HttpResponse } from '../types';

/** Problem type URIs are `urn:idp-sync:problem:<slug>` (RFC 9457 allows any URI; these are stable identifiers). */
export const PROBLEM_TYPE_PREFIX = 'urn:idp-sync:problem:';

/** An RFC 9457 problem details body. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

const BASE_HEADERS = { 'cache-control': 'no-store' } as const;

/**
 * A JSON answer.
 *
 * @example
 * jsonResponse(202, { queued: 1, ignored: 0 })
 */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A problem+json answer.
 *
 * @example
 * problemResponse({ status: 404, slug: 'not-found', title: 'Not Found', detail: 'no route for GET /x' })
 */
export function problemResponse(problem: {
  status: number;
  slug: string;
  title: string;
  detail: string;
  errors?: readonly FieldError[] | undefined;
  headers?: Readonly<Record<string, string>>;
}): HttpResponse {
  const body: ProblemBody = {
    type: `${PROBLEM_TYPE_PREFIX}${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { ...BASE_HEADERS, ...problem.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}

/** The answer for a thrown {@link ProblemError}. */
export function problemFromError(error: ProblemError): HttpResponse {
  return problemResponse(error);
}
