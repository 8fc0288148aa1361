import type { HttpApiHandler } from './http-ingest-server';

/** One route of the API Gateway stand-in: every path at or under `prefix` goes to `handler`. */
export interface PrefixRoute {
  /** A path prefix without a trailing slash, e.g. `/scim/v2`. */
  readonly prefix: string;
  readonly handler: HttpApiHandler;
}

/**
 * Dispatches on the request path the way the HTTP API's routes split traffic between functions in AWS: the first route
 * whose prefix is the path or a parent of it (`/scim/v2`, `/scim/v2/Users/1`, not `/scim/v2x`) gets the event, any
 * other path goes to `fallback`. Handlers are read through getters so the stack can swap them in once loaded.
 *
 * @example
 * const handler = routeByPrefix([{ prefix: '/scim/v2', handler: scim }], ingest);
 * await startHttpIngestServer({ handler });
 */
export function routeByPrefix(routes: readonly PrefixRoute[], fallback: HttpApiHandler): HttpApiHandler {
  return (event, context) => {
    const path = event.rawPath;
    const route = routes.find((r) => isAtOrUnder(path, r.prefix));
    return (route?.handler ?? fallback)(event, context);
  };
}

/**
 * Whether `path` is `prefix` or below it (`/scim/v2`, `/scim/v2/Users/1`; not `/scim/v2x`): how the routes split.
 *
 * @example
 * isAtOrUnder('/scim/v2/Users', '/scim/v2') // true
 */
export function isAtOrUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
