import { ConfigError } from '@idp-sync/common';
import { WorkerConfigError } from '@idp-sync/worker/errors';
import { describe, expect, it } from 'vitest';

describe('ConfigError', () => {
  it('lists every problem under its subject line, one per line', () => {
    const error = new ConfigError(['QUEUE_URL: must be a URL', 'SQS_SEND_ATTEMPTS: must be a whole number']);
    expect(error.message).toBe(
      'Invalid configuration:\n  - QUEUE_URL: must be a URL\n  - SQS_SEND_ATTEMPTS: must be a whole number',
    );
    expect(error.problems).toEqual(['QUEUE_URL: must be a URL', 'SQS_SEND_ATTEMPTS: must be a whole number']);
    expect(error.name).toBe('ConfigError');
  });

  it('takes a subject and a cause', () => {
    const cause = new Error('underlying');
    const error = new ConfigError(['X: wrong'], { subject: 'Invalid ingest configuration', cause });
    expect(error.message).toBe('Invalid ingest configuration:\n  - X: wrong');
    expect(error.cause).toBe(cause);
  });

  it("keeps its own copy of the problems (the caller's array may grow after the throw)", () => {
    const problems = ['A: wrong'];
    const error = new ConfigError(problems);
    problems.push('B: wrong');
    expect(error.problems).toEqual(['A: wrong']);
  });

  it('is the class a package subclass is caught as, with the subclass name and subject', () => {
    const error = new WorkerConfigError(['DLQ_URL: required']);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('WorkerConfigError');
    expect(error.message).toBe('Invalid worker configuration:\n  - DLQ_URL: required');
  });
});
