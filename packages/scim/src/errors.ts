import { ConfigError, redactEmailsIn } from '@idp-sync/common';

/*
 * The errors of the SCIM package, for its protocol and its service alike. The root is `ScimError`, a SCIM error body
 * (RFC 7644 §3.12: status, scimType, detail): everything the package raises on purpose is an answer, and the service
 * answers any ScimError as it is. Both layers raise them: the protocol its 400s (a bad filter, path or value), the
 * service the rest (401, 404, 405, 409, 413, 415, 503). Hence here, at the package root, and not in protocol/ where
 * they were, beside the service's own errors.
 *
 * Three are not ScimErrors, on purpose, because none is an answer. `ScimConfigError` is thrown at INIT and never
 * answered. `ScimStoreConflictError` and `ScimTimeoutError` are signals inside the service: a conflict is retried (then
 * answered as a ScimUnavailableError), a slow queue or Users API is handled where it is awaited, and a stray timeout
 * reaching the service is logged as a dependency failure and answered 503 — as a ScimError it would be answered as
 * is, unlogged. A root above all of them would be caught by nobody.
 */

/**
 * The `scimType` values of RFC 7644 §3.12 that this service answers with.
 */
export type ScimErrorType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue';

/**
 * A SCIM error body as an error: the service answers it with its status, `scimType` and `detail` in the SCIM error
 * schema (`scimErrorResponse`). The root of the package's errors.
 *
 * @example
 * throw new ScimBadRequestError('invalidFilter', 'operator "xx" is not supported');
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimErrorType | undefined;
  readonly detail: string;
  /** Extra response headers (`Allow`, `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    detail: string,
    scimType?: ScimErrorType,
    headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = new.target.name;
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
    this.headers = headers;
  }
}

/**
 * 400: the request is malformed or asks for something invalid.
 *
 * @example
 * new ScimBadRequestError('invalidValue', 'userName is required')
 */
export class ScimBadRequestError extends ScimError {
  constructor(scimType: ScimErrorType, detail: string) {
    super(400, detail, scimType);
  }
}

/**
 * 401: no or wrong bearer token.
 *
 * @example
 * throw new ScimUnauthorizedError();
 */
export class ScimUnauthorizedError extends ScimError {
  constructor(detail = 'A valid bearer token is required (Authorization: Bearer <secret token>).') {
    super(401, detail, undefined, { 'www-authenticate': 'Bearer realm="scim"' });
  }
}

/**
 * 404: no such resource or endpoint.
 *
 * @example
 * throw new ScimNotFoundError(`User ${id} not found`);
 */
export class ScimNotFoundError extends ScimError {
  constructor(detail: string) {
    super(404, detail);
  }
}

/**
 * 405: the endpoint exists but not with this method.
 *
 * @example
 * throw new ScimMethodNotAllowedError('DELETE', ['GET', 'POST']);
 */
export class ScimMethodNotAllowedError extends ScimError {
  constructor(method: string, allowed: readonly string[]) {
    super(405, `Method ${method} is not allowed here; use ${allowed.join(', ')}.`, undefined, {
      allow: allowed.join(', '),
    });
  }
}

/**
 * 409: the userName is taken by another user.
 *
 * @example
 * throw new ScimConflictError('a user with userName "emp3" already exists');
 */
export class ScimConflictError extends ScimError {
  constructor(detail: string) {
    super(409, detail, 'uniqueness');
  }
}

/**
 * 413: the body (or the resource it would make) is too large.
 *
 * @example
 * throw new ScimPayloadTooLargeError('the request body is larger than 1048576 bytes');
 */
export class ScimPayloadTooLargeError extends ScimError {
  constructor(detail: string) {
    super(413, detail);
  }
}

/**
 * 415: the body is not JSON.
 *
 * @example
 * throw new ScimUnsupportedMediaTypeError('text/plain');
 */
export class ScimUnsupportedMediaTypeError extends ScimError {
  constructor(contentType: string) {
    super(415, `Content-Type "${contentType}" is not supported; send application/scim+json or application/json.`);
  }
}

/**
 * 503: a dependency this request needs (the state table or the queue) failed. Nothing was kept: Entra retries the
 * operation in a later cycle.
 *
 * @example
 * throw new ScimUnavailableError('the change could not be queued; retry later');
 */
export class ScimUnavailableError extends ScimError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(503, detail, undefined, { 'retry-after': '30' }, options);
  }
}

/**
 * Configuration of the SCIM service is missing or invalid (thrown at start-up, never answered), with every problem
 * found, one line each.
 *
 * @example
 * throw new ScimConfigError(['SCIM_MAX_RESULTS: must be at most 1000']);
 */
export class ScimConfigError extends ConfigError {
  override readonly name: string = 'ScimConfigError';

  constructor(problems: readonly string[]) {
    super(problems, { subject: 'Invalid SCIM configuration' });
  }
}

/**
 * The state-table item changed between read and write (optimistic concurrency); the operation is retried.
 *
 * @example
 * throw new ScimStoreConflictError(`SCIM user ${id} changed concurrently`);
 */
export class ScimStoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScimStoreConflictError';
  }
}

/**
 * An awaited dependency (the queue, the Users API) did not answer within its budget (`withTimeout`).
 *
 * @example
 * throw new ScimTimeoutError('the provisioning queue', 3000);
 */
export class ScimTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'ScimTimeoutError';
  }
}

/**
 * A short description of anything thrown, for logs: name and message, emails redacted (a store or Users API error may
 * quote the address); never a stack with request data.
 *
 * @example
 * describeError(new TypeError('x')) // 'TypeError: x'
 */
export function describeError(error: unknown): string {
  return redactEmailsIn(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
