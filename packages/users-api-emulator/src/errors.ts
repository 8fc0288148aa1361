/**
 * The emulator's error hierarchy. `HttpProblem` and its subclasses are what request handling throws; the router turns
 * them into RFC 9457 problem documents. Anything else reaching the router is an emulator bug and becomes a 500.
 */

/**
 * Base of every error the emulator throws.
 *
 * @example
 * try { await startUsersApiEmulator({ port: -1 }); } catch (e) { if (e instanceof UsersApiEmulatorError) console.error(e.message); }
 */
export class UsersApiEmulatorError extends Error {
  override name = 'UsersApiEmulatorError';
}

/**
 * Options given to `startUsersApiEmulator` (or the command line) are invalid; the message says what to fix.
 *
 * @example
 * await startUsersApiEmulator({ faults: { rates: { '500': 2 } } }); // throws EmulatorConfigurationError
 */
export class EmulatorConfigurationError extends UsersApiEmulatorError {
  override name = 'EmulatorConfigurationError';
}

/**
 * The emulator could not listen on the host and port it was given (port in use, host not local, no permission).
 *
 * @example
 * try { await startUsersApiEmulator({ port: 4010 }); } catch (e) { if (e instanceof EmulatorListenError) console.error(e.message); }
 */
export class EmulatorListenError extends UsersApiEmulatorError {
  override name = 'EmulatorListenError';
}

/**
 * A request outcome that is an HTTP error: carries the status, the detail for the problem document and extra headers.
 *
 * @example
 * throw new HttpProblem(400, '`limit` must be an integer between 1 and 100');
 */
export class HttpProblem extends UsersApiEmulatorError {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

/** 400: the request is malformed or breaks a rule of the contract. @example throw new BadRequestProblem('`name` cannot be blank'); */
export class BadRequestProblem extends HttpProblem {
  override name = 'BadRequestProblem';
  constructor(detail: string) {
    super(400, detail);
  }
}

/** 401: no API key, or one the emulator does not know. @example throw new UnauthorizedProblem('missing API key'); */
export class UnauthorizedProblem extends HttpProblem {
  override name = 'UnauthorizedProblem';
  constructor(detail: string) {
    super(401, detail, { 'WWW-Authenticate': 'Bearer' });
  }
}

/** 403: the key is valid but lacks the permission. @example throw new ForbiddenProblem('requires USER_CREATE'); */
export class ForbiddenProblem extends HttpProblem {
  override name = 'ForbiddenProblem';
  constructor(detail: string) {
    super(403, detail);
  }
}

/** 404: no such user (or deleted, or no such route). @example throw new NotFoundProblem('user not found'); */
export class NotFoundProblem extends HttpProblem {
  override name = 'NotFoundProblem';
  constructor(detail: string) {
    super(404, detail);
  }
}

/** 405: known path, wrong method. @example throw new MethodNotAllowedProblem(['GET', 'POST']); */
export class MethodNotAllowedProblem extends HttpProblem {
  override name = 'MethodNotAllowedProblem';
  constructor(allowed: readonly string[]) {
    super(405, `method not allowed; allowed: ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
  }
}

/** 409: the request conflicts with the state of the user. @example throw new ConflictProblem('email is an active member'); */
export class ConflictProblem extends HttpProblem {
  override name = 'ConflictProblem';
  constructor(detail: string) {
    super(409, detail);
  }
}

/** 413: the body is larger than the emulator accepts. @example throw new PayloadTooLargeProblem(65536); */
export class PayloadTooLargeProblem extends HttpProblem {
  override name = 'PayloadTooLargeProblem';
  constructor(limit: number) {
    super(413, `request body exceeds ${limit} bytes`, { Connection: 'close' });
  }
}

/** 415: a body that is not JSON. @example throw new UnsupportedMediaTypeProblem('text/plain'); */
export class UnsupportedMediaTypeProblem extends HttpProblem {
  override name = 'UnsupportedMediaTypeProblem';
  constructor(received: string) {
    super(415, `Content-Type must be application/json (received ${received || 'none'})`);
  }
}

/** 422: valid JSON of the right shape that the API still refuses. @example throw new UnprocessableEntityProblem('CUSTOM roles cannot be assigned on create'); */
export class UnprocessableEntityProblem extends HttpProblem {
  override name = 'UnprocessableEntityProblem';
  constructor(detail: string) {
    super(422, detail);
  }
}

/** 429 with `Retry-After` in whole seconds. @example throw new RateLimitedProblem(2); */
export class RateLimitedProblem extends HttpProblem {
  override name = 'RateLimitedProblem';
  constructor(
    readonly retryAfterSeconds: number,
    detail = 'You have exceeded the allowed number of requests. Please try again later.',
  ) {
    super(429, detail, { 'Retry-After': String(retryAfterSeconds) });
  }
}
