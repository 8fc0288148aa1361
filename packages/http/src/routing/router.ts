import { isTransientFailure, type Logger, type Metrics, noopMetrics, redactEmailsIn } from '@idp-sync/common';
import { ProblemError } from '../errors';
import { INGEST_METRIC } from '../observability/metrics';
import type { HttpRequest, HttpResponse } from '../types';
import { problemResponse } from './problem';

const outcomes = new WeakMap<HttpResponse, string>();

/**
 * Lets a route name the outcome of a request more precisely than its status (e.g. `queue-failed` vs
 * `secret-unavailable` for two 503s); the router counts it in `IngestRequests`.
 */
export function withOutcome(response: HttpResponse, outcome: string): HttpResponse {
  outcomes.set(response, outcome);
  return response;
}

function outcomeFromStatus(status: number): string {
  if (status < 400) return 'ok';
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 413:
      return 'too-large';
    case 415:
      return 'unsupported-media-type';
    default:
      return status >= 500 ? 'error' : 'rejected';
  }
}

/** What a pattern captured: named `:params`, and for a trailing `*` the remaining path (`rest`, without a leading `/`). */
export interface RouteMatch {
  readonly params: Readonly<Record<string, string>>;
  readonly rest?: string;
}

export type RouteHandler = (request: HttpRequest, match: RouteMatch) => Promise<HttpResponse>;

/**
 * One entry of the route table. `pathPattern` is literal segments, `:name` segments, and an optional trailing `*`
 * (any remaining segments, none included). SCIM plugs in as one entry, e.g.
 * `{ name: 'scim', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], pathPattern: '/scim/v2/*', handler }`.
 *
 * @example
 * const route: HttpRoute = { name: 'health', methods: ['GET'], pathPattern: '/health', handler: async () => ok };
 */
export interface HttpRoute {
  /** Used in logs and metrics (`source` dimension for webhook routes). */
  readonly name: string;
  /** Upper-case methods this route answers. */
  readonly methods: readonly string[];
  readonly pathPattern: string;
  readonly handler: RouteHandler;
}

type Matcher = (segments: readonly string[]) => RouteMatch | undefined;

function compile(pattern: string): Matcher {
  const parts = pattern.split('/').filter(Boolean);
  const wildcard = parts[parts.length - 1] === '*';
  const fixed = wildcard ? parts.slice(0, -1) : parts;
  return (segments) => {
    if (wildcard ? segments.length < fixed.length : segments.length !== fixed.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < fixed.length; i++) {
      const part = fixed[i]!;
      const segment = segments[i]!;
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      else if (part !== segment) return undefined;
    }
    return wildcard ? { params, rest: segments.slice(fixed.length).join('/') } : { params };
  };
}

function segmentsOf(path: string): string[] | undefined {
  const segments = path.split('/').filter(Boolean);
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * Maps an error that escaped a route to an answer: deliberate problems as they are, infrastructure failures as 503
 * (the sender retries), anything else as 500 (a bug; logged).
 */
export function errorToResponse(error: unknown, logger: Logger, request: HttpRequest): HttpResponse {
  if (error instanceof ProblemError) return problemResponse(error);
  if (isTransientFailure(error)) {
    logger.error('dependency unavailable', {
      requestId: request.requestId,
      error: error.name,
      reason: redactEmailsIn(error.message),
    });
    return problemResponse({
      status: 503,
      slug: 'service-unavailable',
      title: 'Service Unavailable',
      detail: 'the request could not be processed now; nothing was lost, retry later',
      headers: { 'retry-after': '5' },
    });
  }
  logger.error('unhandled error', {
    requestId: request.requestId,
    error: (error as Error)?.name ?? typeof error,
    // An unexpected error may quote the payload it choked on.
    reason: redactEmailsIn(String((error as Error)?.message ?? '')),
  });
  return problemResponse({
    status: 500,
    slug: 'internal-error',
    title: 'Internal Server Error',
    detail: 'an unexpected error occurred; nothing was queued',
  });
}

/**
 * Builds the dispatcher for a route table: 404 for an unknown path, 405 (with `Allow`) for a known path and another
 * method, otherwise the first matching route. Counts every request in `IngestRequests` by route name (`source`) and
 * outcome. Never throws.
 *
 * @example
 * const dispatch = createRouter([healthRoute, ...webhookRoutes], logger);
 * const response = await dispatch(request);
 */
export function createRouter(
  routes: readonly HttpRoute[],
  logger: Logger,
  metrics: Metrics = noopMetrics,
): (request: HttpRequest) => Promise<HttpResponse> {
  const compiled = routes.map((route) => ({ route, match: compile(route.pathPattern) }));
  return async (request) => {
    const { name, response } = await dispatch(request);
    const outcome = outcomes.get(response) ?? outcomeFromStatus(response.statusCode);
    metrics.count(INGEST_METRIC.requests, { source: name, outcome });
    return response;
  };

  async function dispatch(request: HttpRequest): Promise<{ name: string; response: HttpResponse }> {
    let name = 'none';
    try {
      const segments = segmentsOf(request.path);
      const candidates = segments
        ? compiled.flatMap(({ route, match }) => {
            const found = match(segments);
            return found ? [{ route, found }] : [];
          })
        : [];
      if (candidates.length === 0) {
        const response = problemResponse({
          status: 404,
          slug: 'not-found',
          title: 'Not Found',
          detail: `no route for ${request.path.slice(0, 200)}`,
        });
        return { name, response };
      }
      name = candidates[0]!.route.name;
      const method = request.method.toUpperCase();
      const chosen = candidates.find(({ route }) => route.methods.includes(method));
      if (!chosen) {
        const allow = [...new Set(candidates.flatMap(({ route }) => route.methods))].join(', ');
        const response = problemResponse({
          status: 405,
          slug: 'method-not-allowed',
          title: 'Method Not Allowed',
          detail: `${request.path.slice(0, 200)} answers ${allow}`,
          headers: { allow },
        });
        return { name, response };
      }
      name = chosen.route.name;
      return { name, response: await chosen.route.handler(request, chosen.found) };
    } catch (error) {
      return { name, response: errorToResponse(error, logger, request) };
    }
  }
}
