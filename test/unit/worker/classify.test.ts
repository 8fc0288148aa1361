import { ConflictError, NotFoundError, RateLimitedError, ServerError, UnauthorizedError } from '@idp-sync/users-client';
import { classifyFailure } from '@idp-sync/worker/batch';
import { CommandRejectedError } from '@idp-sync/worker/errors';
import { describe, expect, it } from 'vitest';

describe('failure classification', () => {
  it('follows isRetryable for Users API errors and keeps Retry-After', () => {
    const limited = classifyFailure(new RateLimitedError({ status: 429, retryAfterMs: 3000 }));
    expect(limited).toMatchObject({
      retryable: true,
      errorClass: 'RateLimitedError',
      httpStatus: 429,
      retryAfterMs: 3000,
    });
    expect(classifyFailure(new ServerError({ status: 503 })).retryable).toBe(true);
    expect(classifyFailure(new ConflictError({ status: 409 }))).toMatchObject({ retryable: false, httpStatus: 409 });
    expect(classifyFailure(new NotFoundError({ status: 404 })).retryable).toBe(false);
  });

  it('treats 401 as transient so a key rotation does not flood the DLQ', () => {
    expect(classifyFailure(new UnauthorizedError({ status: 401 })).retryable).toBe(true);
  });

  it('makes domain rejections permanent and unknown errors transient, with emails redacted', () => {
    expect(classifyFailure(new CommandRejectedError('EmailDeleted', 'gone', { httpStatus: 409 }))).toEqual({
      retryable: false,
      errorClass: 'EmailDeleted',
      httpStatus: 409,
      message: 'gone',
    });
    const odd = classifyFailure(new TypeError('cannot read x of bob.smith@example.com'));
    expect(odd).toMatchObject({ retryable: true, errorClass: 'TypeError' });
    expect(odd.message).toBe('cannot read x of b***@example.com');
  });
});
