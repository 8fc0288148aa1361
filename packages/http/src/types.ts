import type { HttpRoute } from './routing/router';
/**
 * A framework-free HTTP request as the routes see it. The Lambda handler builds it from an API Gateway v2 event;
 * tests and the local stack can build it directly.
 *
 * `rawBody` holds the exact bytes received: signatures are verified over them, never over a re-serialised body.
 */
export interface HttpRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path without the query string, e.g. `/webhooks/okta` or `/scim/v2/Users/123`. */
  readonly path: string;
  /** The raw query string without `?` (repeated keys preserved). */
  readonly rawQueryString: string;
  /** Header names lower-cased; repeated headers joined with `, ` as API Gateway does. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  /** The API Gateway request id (or a local one): used as a correlation id in logs. */
  readonly requestId: string;
  /** When the request arrived (epoch milliseconds). */
  readonly receivedAtMs: number;
}

/** What a route answers. `body` is already serialised. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An HTTP application: the Lambda handlers, the local stack and the tests all call `handle`. */
export interface HttpApp {
  /** Answers one request. Never throws. */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** The route table in use. */
  readonly routes: readonly HttpRoute[];
}
