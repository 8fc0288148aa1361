import type { TransientFailure } from '@idp-sync/common';

/** One offending field of a rejected request: where it is and what is wrong with it. */
export interface FieldError {
  /** A JSON path into the request body, e.g. `data.events[0].target[1].alternateId`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The root of every error the HTTP functions' runtime raises on purpose: an answer (`ProblemError`), a secret that
 * cannot be had (`SecretUnavailableError`, `SecretsExtensionError`). Anything else that reaches the router is a bug
 * and answers 500, unless it is marked transient (503). Configuration errors are common's `ConfigError`.
 *
 * @example
 * error instanceof HttpFunctionError // raised on purpose by this package, not a bug
 */
export abstract class HttpFunctionError extends Error {
  override readonly name: string = 'HttpFunctionError';
}

/**
 * An HTTP answer expressed as an error: the router turns it into an RFC 9457 problem+json response.
 *
 * @example
 * throw new ProblemError({ status: 415, slug: 'unsupported-media-type', title: 'Unsupported Media Type', detail: '…' });
 */
export class ProblemError extends HttpFunctionError {
  override readonly name: string = 'ProblemError';
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: {
    status: number;
    slug: string;
    title: string;
    detail: string;
    errors?: readonly FieldError[];
    headers?: Record<string, string>;
  }) {
    super(init.detail);
    this.status = init.status;
    this.slug = init.slug;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

/**
 * The body is not what the route accepts (after the sender was verified): malformed JSON, a schema violation, an email
 * that is not an email. Answers 400 naming the offending fields; nothing is queued.
 *
 * @example
 * throw new PayloadError('the payload does not match the HR webhook format', [{ path: 'data.email', message: 'must be an email address' }]);
 */
export class PayloadError extends ProblemError {
  override readonly name: string = 'PayloadError';

  constructor(detail: string, errors?: readonly FieldError[]) {
    super({ status: 400, slug: 'invalid-payload', title: 'Bad Request', detail, ...(errors ? { errors } : {}) });
  }
}

/**
 * A secret could not be obtained (Secrets Manager unreachable with nothing cached, or a stored value that is not
 * usable). The request is answered 503 so the source retries; nothing is queued.
 */
export class SecretUnavailableError extends HttpFunctionError implements TransientFailure {
  override readonly name: string = 'SecretUnavailableError';
  /** The source should retry: answered 503. */
  readonly transient = true as const;
  readonly secret: string;

  constructor(secret: string, reason: string, options?: { cause?: unknown }) {
    super(`secret "${secret}" is unavailable: ${reason}`, options);
    this.secret = secret;
  }
}

/**
 * The extension could not give a secret: it is not there, refused, timed out, answered an error, or answered
 * something that is not a string secret. The message says which, and never holds the secret value or the session
 * token. The secret provider turns it into a 503 (or keeps serving its cached value).
 */
export class SecretsExtensionError extends HttpFunctionError {
  override readonly name: string = 'SecretsExtensionError';
  /** The extension's HTTP status, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}
