import { ConfigError } from '@idp-sync/common';
import { classifyFailure } from '@idp-sync/worker/batch';
import {
  BulkDeleteItemError,
  CommandRejectedError,
  IdentityLinkChangedError,
  RecordRetryLater,
  StateStoreError,
  WorkerConfigError,
  WorkerError,
} from '@idp-sync/worker/errors';
import { describe, expect, it } from 'vitest';

describe('worker errors', () => {
  it('all extend WorkerError and keep the names the DLQ, the logs and the CLI read', () => {
    const cases: [Error, string][] = [
      [new CommandRejectedError('EmailDeleted', 'email was deleted'), 'CommandRejectedError'],
      [new BulkDeleteItemError('connection reset'), 'BulkDeleteItemError'],
      [new IdentityLinkChangedError('the identity link changed'), 'IdentityLinkChanged'],
      [new StateStoreError('get', new Error('throttled')), 'StateStoreError'],
      [new RecordRetryLater('m-1'), 'RecordRetryLater'],
    ];
    for (const [error, name] of cases) {
      expect(error).toBeInstanceOf(WorkerError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
    }
  });

  it('the configuration error is the common ConfigError (one shape for every package), not a WorkerError', () => {
    const error = new WorkerConfigError(['DLQ_URL: required', 'USERS_API_URL: required']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).not.toBeInstanceOf(WorkerError);
    expect(error.name).toBe('WorkerConfigError');
    expect(error.problems).toEqual(['DLQ_URL: required', 'USERS_API_URL: required']);
  });

  it('a transient worker error is retried and dead-lettered under its name', () => {
    expect(classifyFailure(new StateStoreError('recordApplied', new Error('throttled')))).toMatchObject({
      retryable: true,
      errorClass: 'StateStoreError',
    });
    expect(classifyFailure(new IdentityLinkChangedError('the link moved'))).toMatchObject({
      retryable: true,
      errorClass: 'IdentityLinkChanged',
    });
    expect(classifyFailure(new BulkDeleteItemError('connection reset'))).toMatchObject({
      retryable: true,
      errorClass: 'BulkDeleteItemError',
      message: 'connection reset',
    });
  });
});
