import { noopMetrics, silentLogger } from '@idp-sync/common';
import {
  ScimBadRequestError,
  ScimConfigError,
  ScimConflictError,
  ScimError,
  ScimMethodNotAllowedError,
  ScimNotFoundError,
  ScimPayloadTooLargeError,
  ScimStoreConflictError,
  ScimTimeoutError,
  ScimUnauthorizedError,
  ScimUnavailableError,
  ScimUnsupportedMediaTypeError,
} from '@idp-sync/scim/errors';
import { createBearerVerifier, createScimService, type ScimUserStore } from '@idp-sync/scim/service';
import { describe, expect, it } from 'vitest';
import { SCIM_TEST_TOKEN, scimRequest } from '../../helpers/scim/harness';

/**
 * The package's errors (packages/scim/src/errors.ts): every answer is a ScimError (the service answers it as it is,
 * in the SCIM error schema); configuration errors and the service's internal signals are not, so a stray one is
 * logged and answered by the service instead of being sent as it is.
 */

describe('the SCIM errors', () => {
  it('every answer is a ScimError with its status and name', () => {
    const answers: [ScimError, number, string][] = [
      [new ScimBadRequestError('invalidFilter', 'x'), 400, 'ScimBadRequestError'],
      [new ScimUnauthorizedError(), 401, 'ScimUnauthorizedError'],
      [new ScimNotFoundError('x'), 404, 'ScimNotFoundError'],
      [new ScimMethodNotAllowedError('PUT', ['GET']), 405, 'ScimMethodNotAllowedError'],
      [new ScimConflictError('x'), 409, 'ScimConflictError'],
      [new ScimPayloadTooLargeError('x'), 413, 'ScimPayloadTooLargeError'],
      [new ScimUnsupportedMediaTypeError('text/plain'), 415, 'ScimUnsupportedMediaTypeError'],
      [new ScimUnavailableError('x'), 503, 'ScimUnavailableError'],
    ];
    for (const [error, status, name] of answers) {
      expect(error, name).toBeInstanceOf(ScimError);
      expect(error.status, name).toBe(status);
      expect(error.name).toBe(name);
    }
  });

  it('configuration errors and internal signals are not answers, and keep their names and messages', () => {
    const config = new ScimConfigError(['SCIM_MAX_RESULTS: too big']);
    const conflict = new ScimStoreConflictError('SCIM user u-1 changed concurrently');
    const timeout = new ScimTimeoutError('the provisioning queue', 3000);
    for (const error of [config, conflict, timeout]) expect(error).not.toBeInstanceOf(ScimError);
    expect([config.name, conflict.name, timeout.name]).toEqual([
      'ScimConfigError',
      'ScimStoreConflictError',
      'ScimTimeoutError',
    ]);
    expect(config.problems).toEqual(['SCIM_MAX_RESULTS: too big']);
    expect(timeout.message).toBe('the provisioning queue did not answer within 3000 ms');
  });

  it('a timeout that reaches the service is logged as a dependency failure and answered 503', async () => {
    const errors: string[] = [];
    const failing = () => Promise.reject(new ScimTimeoutError('the state table', 50));
    const store = { get: failing } as unknown as ScimUserStore;
    const service = createScimService({
      store,
      queue: { send: async () => {} },
      verifyBearer: createBearerVerifier(() => ({ current: SCIM_TEST_TOKEN })),
      logger: { ...silentLogger, error: (message) => void errors.push(message) },
      metrics: noopMetrics,
    });
    const response = await service.handle(scimRequest('GET', '/scim/v2/Users/u-1'));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(JSON.parse(response.body).detail).toBe('a dependency of the SCIM service is unavailable; retry later');
    expect(errors).toEqual(['SCIM request failed on a dependency']);
  });
});
