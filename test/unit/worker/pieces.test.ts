import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { type Metrics, redactEmailsIn } from '@idp-sync/common';
import { ConflictError, NotFoundError, RateLimitedError, ServerError, UnauthorizedError } from '@idp-sync/users-client';
import {
  DLQ_ATTRIBUTES,
  loadWorkerConfig,
  MetricsTally,
  powertoolsWorkerMetrics,
  WorkerConfigError,
  type WorkerMetrics,
} from '@idp-sync/worker';
import { BulkDeleteCoalescer, CommandRejectedError } from '@idp-sync/worker/applier';
import {
  classifyFailure,
  deadLetterAttributes,
  deadLetterDeduplicationId,
  groupRecords,
  parseRecord,
  queueUrlFromArn,
  visibilityTimeoutFor,
} from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';
import { command, sqsRecord } from '../../helpers/worker/records';

describe('visibility backoff', () => {
  const base = { baseSeconds: 30, maxSeconds: 900 };

  it('doubles with the receive count around min(900, 30·2^(n-1))', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => visibilityTimeoutFor(n, { ...base, random: mid }))).toEqual([
      30, 60, 120, 240, 480, 900,
    ]);
  });

  it('jitters within 75–125 % and never above the maximum', () => {
    expect(visibilityTimeoutFor(2, { ...base, random: () => 0 })).toBe(45);
    expect(visibilityTimeoutFor(2, { ...base, random: () => 0.999 })).toBe(75);
    expect(visibilityTimeoutFor(9, { ...base, random: () => 0.999 })).toBe(900);
  });

  it('never shows the message before the server’s Retry-After', () => {
    expect(visibilityTimeoutFor(1, { ...base, random: () => 0, retryAfterMs: 120_500 })).toBe(121);
    expect(visibilityTimeoutFor(1, { ...base, random: () => 0, retryAfterMs: 10_000_000 })).toBe(900);
  });
});

describe('records', () => {
  it('parses a valid command with its receive metadata', () => {
    const c = command({ action: 'update', email: 'Ada@Example.com' });
    const r = parseRecord(sqsRecord(c, { receiveCount: 3, firstReceivedAt: 1_700_000_000_000 }), new Date());
    expect(r.command?.email).toBe('ada@example.com');
    expect(r.receiveCount).toBe(3);
    expect(r.firstSeenAt.toISOString()).toBe(new Date(1_700_000_000_000).toISOString());
    expect(r.invalid).toBeUndefined();
  });

  it('gives a reason for a body that is not JSON or not a command, naming fields but not values', () => {
    expect(parseRecord(sqsRecord('{nope'), new Date()).invalid).toBe('body is not JSON');
    const bad = { ...command(), action: 'promote', email: 'secret.person@example.com' };
    const r = parseRecord(sqsRecord(JSON.stringify(bad)), new Date());
    expect(r.command).toBeUndefined();
    expect(r.invalid).toMatch(/action/);
    expect(r.invalid).not.toMatch(/secret\.person/);
  });

  it('groups by person keeping SQS order', () => {
    const a1 = parseRecord(sqsRecord(command({ email: 'a@example.com' })), new Date());
    const b1 = parseRecord(sqsRecord(command({ email: 'b@example.com' })), new Date());
    const a2 = parseRecord(sqsRecord(command({ email: 'a@example.com' })), new Date());
    expect(groupRecords([a1, b1, a2]).map((g) => g.map((r) => r.messageId))).toEqual([
      [a1.messageId, a2.messageId],
      [b1.messageId],
    ]);
  });
});

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

  it('redacts every address in a text', () => {
    expect(redactEmailsIn('a@b.co and carol@example.org')).toBe('a***@b.co and c***@example.org');
  });
});

describe('DLQ message', () => {
  it('carries the reason, times, counts and ids as attributes (at most ten)', () => {
    const c = command({ action: 'create' });
    const record = parseRecord(sqsRecord(c, { receiveCount: 5, firstReceivedAt: 1_700_000_000_000 }), new Date());
    const attrs = deadLetterAttributes(
      record,
      { retryable: false, errorClass: 'EmailDeleted', httpStatus: 409, message: 'email was deleted' },
      new Date('2026-01-02T03:04:05.000Z'),
    );
    expect(Object.keys(attrs).length).toBeLessThanOrEqual(10);
    expect(Object.keys(attrs).every((k) => (DLQ_ATTRIBUTES as readonly string[]).includes(k))).toBe(true);
    expect(attrs.errorClass?.StringValue).toBe('EmailDeleted');
    expect(attrs.httpStatus).toEqual({ DataType: 'Number', StringValue: '409' });
    expect(attrs.receiveCount).toEqual({ DataType: 'Number', StringValue: '5' });
    expect(attrs.firstSeenAt?.StringValue).toBe(new Date(1_700_000_000_000).toISOString());
    expect(attrs.failedAt?.StringValue).toBe('2026-01-02T03:04:05.000Z');
    expect(attrs.commandId?.StringValue).toBe(c.id);
    expect(attrs.originalMessageId?.StringValue).toBe(record.messageId);
  });

  it('carries the replay count of a replayed message over, so it adds up across replays', () => {
    const raw = sqsRecord(command({ action: 'update', name: 'N' }));
    raw.messageAttributes.replayCount = {
      dataType: 'Number',
      stringValue: '2',
      stringListValues: [],
      binaryListValues: [],
    };
    const failure = { retryable: false, errorClass: 'UserNotFound', httpStatus: 404, message: 'no such user' };
    const replayed = deadLetterAttributes(parseRecord(raw, new Date()), failure, new Date());
    expect(replayed.replayCount).toEqual({ DataType: 'Number', StringValue: '2' });
    expect(Object.keys(replayed).length).toBeLessThanOrEqual(10);
    const fresh = deadLetterAttributes(parseRecord(sqsRecord(command()), new Date()), failure, new Date());
    expect(fresh.replayCount).toBeUndefined();
  });

  it('deduplicates per message and receive', () => {
    expect(deadLetterDeduplicationId('m', 1)).toBe(deadLetterDeduplicationId('m', 1));
    expect(deadLetterDeduplicationId('m', 1)).not.toBe(deadLetterDeduplicationId('m', 2));
    expect(deadLetterDeduplicationId('m', 1)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives a queue URL from an SQS ARN', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:q.fifo')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
    );
    expect(queueUrlFromArn('nope')).toBeUndefined();
  });
});

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadWorkerConfig({ DLQ_URL: 'http://127.0.0.1:1/q/dlq.fifo', ARIZE_API_KEY: 'k' });
    expect(config).toMatchObject({
      maxReceiveCount: 5,
      usersApiRps: 10,
      concurrency: 5,
      stateTableName: 'idp-sync-state',
      defaultRole: 'MEMBER',
      defaultInviteMode: 'EMAIL_LINK',
    });
  });

  it('names every variable to fix', () => {
    try {
      loadWorkerConfig({ MAX_RECEIVE_COUNT: 'zero', DEFAULT_ROLE: 'OWNER' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      const message = (error as Error).message;
      for (const name of ['DLQ_URL', 'MAX_RECEIVE_COUNT', 'DEFAULT_ROLE', 'ARIZE_API_KEY'])
        expect(message).toContain(name);
    }
  });
});

describe('metrics tally', () => {
  it('sums counts, hands dimensioned ones over with their dimensions', () => {
    const emitted: Array<[string, Record<string, string>, number | undefined]> = [];
    const timings: Array<[string, number]> = [];
    const sink: WorkerMetrics = {
      count: (name, dimensions, value) => void emitted.push([name, { ...dimensions }, value]),
      timing: (name, ms) => void timings.push([name, ms]),
      publish: () => undefined,
    };
    const tally = new MetricsTally();
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'delete' });
    tally.timing('EndToEndDelay', 12.4);
    tally.flushTo(sink);
    expect(emitted).toEqual([
      ['CommandsApplied', {}, 3],
      ['CommandsApplied', { action: 'create' }, 2],
      ['CommandsApplied', { action: 'delete' }, 1],
    ]);
    expect(timings).toEqual([['EndToEndDelay', 12]]);
  });
});

describe('powertoolsWorkerMetrics', () => {
  it('puts undimensioned counts in the batch document and publishes dimensioned ones as single metrics', () => {
    const emitted: Array<[string, string, number, Record<string, string>?]> = [];
    let published = 0;
    const powertools = {
      addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v]),
      singleMetric: () => {
        let dims: Record<string, string> = {};
        return {
          addDimensions: (d: Record<string, string>) => {
            dims = d;
          },
          addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v, dims]),
        };
      },
      publishStoredMetrics: () => void published++,
    };
    const metrics = powertoolsWorkerMetrics(powertools as unknown as PowertoolsMetrics);
    metrics.count('CommandsApplied', {}, 3);
    metrics.count('CommandsApplied', { action: 'create' }, 2);
    metrics.count('SentToDlq', { errorClass: 'EmailDeleted' });
    metrics.timing('EndToEndDelay', 12);
    metrics.publish();
    expect(emitted).toEqual([
      ['CommandsApplied', 'Count', 3],
      ['CommandsApplied', 'Count', 2, { action: 'create' }],
      ['SentToDlq', 'Count', 1, { errorClass: 'EmailDeleted' }],
      ['EndToEndDelay', 'Milliseconds', 12],
    ]);
    expect(published).toBe(1);
  });

  it('adapts a real Powertools Metrics (the worker Lambda passes createWorkerMetrics())', () => {
    const metrics: Metrics = powertoolsWorkerMetrics(
      new PowertoolsMetrics({ namespace: 'idp-sync-test', serviceName: 'worker-test' }),
    );
    expect(typeof metrics.count).toBe('function');
  });
});

describe('bulk delete coalescer', () => {
  it('sends one bulkDelete once every place submitted or was released, and maps items back', async () => {
    const calls: string[][] = [];
    const users = {
      bulkDelete: async ({ userIds }: { userIds?: string[] }) => {
        calls.push(userIds ?? []);
        return (userIds ?? []).map((userId) =>
          userId === 'gone' ? { userId, status: 'NOT_FOUND' as const } : { userId, status: 'DELETED' as const },
        );
      },
    };
    const coalescer = new BulkDeleteCoalescer(users as never, 3);
    const [a, b, c] = [coalescer.ticket(), coalescer.ticket(), coalescer.ticket()];
    const pa = a.submit('u1');
    const pb = b.submit('gone');
    let settled = false;
    void pa.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false); // the third place is still open
    c.release();
    expect(await pa).toMatchObject({ userId: 'u1', status: 'DELETED' });
    expect(await pb).toMatchObject({ userId: 'gone', status: 'NOT_FOUND' });
    expect(calls).toEqual([['u1', 'gone']]);
    expect(coalescer.calls).toBe(1);
  });

  it('makes no call when every place is released, and refuses extra tickets', () => {
    const coalescer = new BulkDeleteCoalescer({ bulkDelete: async () => [] } as never, 1);
    coalescer.ticket().release();
    expect(coalescer.calls).toBe(0);
    expect(() => coalescer.ticket()).toThrow(/more tickets/);
  });
});
