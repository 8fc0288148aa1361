import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import { createWorker } from '@idp-sync/worker/batch';
import { createWorkerUsersClient } from '@idp-sync/worker/lambda';
import { describe, expect, it } from 'vitest';
import { callsOf, pipeline, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

const stack = useWorkerStack();
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

describe('bulk-delete coalescing', () => {
  it('turns a batch of 10 leaves with warm state into one bulkDelete: 10 DELETE calls, no lookups', async () => {
    const p = await pipeline(stack());
    const people = Array.from({ length: 10 }, () => email('leaver'));
    await p.worker.processBatch(sqsEvent(people.map((e) => sqsRecord(command({ action: 'create', email: e })))));
    stack().emulator.resetCounters();

    const report = await p.worker.processBatchWithReport(
      sqsEvent(people.map((e) => sqsRecord(command({ action: 'delete', email: e })))),
    );
    expect(report.response.batchItemFailures).toEqual([]);
    expect(report.outcomes.every((o) => o.kind === 'applied' && o.detail === 'deleted')).toBe(true);
    expect(report.bulkDeleteCalls).toBe(1);
    const calls = callsOf(stack().emulator);
    expect(calls('users.delete')).toBe(10);
    expect(calls('users.list') + calls('users.get')).toBe(0);
    expect(stack().emulator.counters().total).toBe(10);
    expect(report.usersApiCalls).toBe(10);
    for (const e of people) expect(stack().emulator.state.findByEmail(e)?.status).toBe('DELETED');
    for (const e of people) expect((await stack().state.get(e))?.status).toBe('DELETED');
    await p.close();
  });

  it('coalesces only first pending deletes, resolves cold people by email, and continues each person in order', async () => {
    const p = await pipeline(stack());
    const [warm, cold, updatedFirst, ghost] = [email('warm'), email('cold'), email('upd'), email('ghost')];
    await p.worker.processBatch(
      sqsEvent([warm, updatedFirst].map((e) => sqsRecord(command({ action: 'create', email: e })))),
    );
    stack().emulator.state.seed([{ name: 'Cold', email: cold, status: 'ACTIVE' }]);
    stack().emulator.resetCounters();

    const batch: ProvisioningCommand[] = [
      command({ action: 'delete', email: warm }),
      command({ action: 'update', email: updatedFirst, name: 'Renamed' }),
      command({ action: 'delete', email: cold }),
      command({ action: 'delete', email: updatedFirst }),
      command({ action: 'delete', email: ghost }),
      command({ action: 'create', email: warm }), // after the delete: the email is gone for good
    ];
    const report = await p.worker.processBatchWithReport(sqsEvent(batch.map((c) => sqsRecord(c))));
    const kinds = report.outcomes.map((o) => (o.kind === 'applied' ? o.detail : o.kind));
    expect(kinds).toEqual(['deleted', 'updated', 'deleted', 'deleted', 'already-gone', 'dead-lettered']);
    expect(report.bulkDeleteCalls).toBe(1);
    const calls = callsOf(stack().emulator);
    // One bulk delete (warm + cold) plus updatedFirst's own delete after its update; lookups for cold and ghost only
    // (the re-create's 409 needs none: the state already says this id was deleted).
    expect(calls('users.delete')).toBe(3);
    expect(calls('users.list')).toBe(2);
    expect(stack().emulator.state.findByEmail(updatedFirst)?.name).toBe('Renamed');
    await p.close();
  });
});

describe('a crash between the API call and the idempotency record', () => {
  it('re-runs the command after the in-progress record expires and converges without a duplicate user', async () => {
    // A separate DynamoDB client whose first idempotency "completed" write fails, as if the Lambda died right there.
    const ddb = new DynamoDBClient({
      endpoint: stack().ddb.endpoint,
      region: stack().ddb.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let crashes = 1;
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: { pk?: { S?: string } } };
        if (context.commandName === 'UpdateItemCommand' && input.Key?.pk?.S === 'idempotency#worker' && crashes > 0) {
          crashes--;
          throw new Error('simulated crash: the function died before saving the result');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crashOnce' },
    );
    const p = await pipeline(stack());
    const users = createWorkerUsersClient(p.config, { apiKey: stack().emulator.apiKey });
    const worker = createWorker({
      config: { ...p.config, processingTimeoutMs: 1_000 },
      usersClient: users.client,
      sqsClient: stack().sqsClient,
      dynamoClient: ddb,
    });
    const who = email('crash');
    const c = command({ action: 'create', email: who });

    const first = await worker.processBatchWithReport(sqsEvent([sqsRecord(c, { receiveCount: 1 })]));
    expect(first.outcomes[0]).toMatchObject({ kind: 'retry' });
    expect(stack().emulator.state.findByEmail(who)?.status).toBe('INVITED'); // the API call did happen

    // Redelivered while the record is still in progress: another invocation might be running it — wait.
    const second = await worker.processBatchWithReport(sqsEvent([sqsRecord(c, { receiveCount: 2 })]));
    expect(second.outcomes[0]).toMatchObject({ kind: 'retry', errorClass: 'CommandInProgress' });

    // After the in-progress expiry (the crashed invocation's remaining time) it runs again: create answers 200.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const third = await worker.processBatchWithReport(sqsEvent([sqsRecord(c, { receiveCount: 3 })]));
    expect(third.outcomes[0]).toMatchObject({ kind: 'applied', detail: 'already-invited' });
    expect(
      stack()
        .emulator.state.users()
        .filter((u) => u.email === who),
    ).toHaveLength(1);
    expect(callsOf(stack().emulator)('users.create')).toBe(2);

    // And now it is done: a fourth delivery is a duplicate.
    const fourth = await worker.processBatchWithReport(sqsEvent([sqsRecord(c, { receiveCount: 4 })]));
    expect(fourth.outcomes[0]).toMatchObject({ kind: 'duplicate' });
    expect(await p.deadLetters()).toEqual([]);
    await users.close();
    ddb.destroy();
    await p.close();
  });
});

describe('429 storms', () => {
  it('slows down instead of filling the DLQ: every command lands, nothing is dead-lettered', async () => {
    // The emulator allows 10 requests/s (burst 2) and throws in random 429s besides; the worker is told 50/s and must
    // learn the real limit from the 429s. Redeliveries come back after a second here, not after minutes.
    stack().emulator.setRateLimit({ requestsPerSecond: 10, burst: 2 });
    stack().emulator.setFaults({ seed: 3, rates: { '429': 0.3 }, retryAfterSeconds: 1 });
    const p = await pipeline(stack(), {
      config: {
        usersApiRps: 50,
        concurrency: 10,
        usersApiRetryAttempts: 3,
        usersApiRetryBudgetMs: 4_000,
        visibilityBaseSeconds: 1,
        visibilityMaxSeconds: 2,
      },
    });
    const people = Array.from({ length: 12 }, () => email('storm'));
    await p.enqueue(people.map((e) => command({ action: 'create', email: e })));
    const pending = () => people.filter((e) => stack().emulator.state.findByEmail(e) === undefined).length;
    let retries = 0;
    for (let i = 0; i < 40 && pending() > 0; i++) {
      const report = await p.processNext();
      if (report === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
      else retries += report.outcomes.filter((o) => o.kind === 'retry').length;
    }
    stack().emulator.setRateLimit(undefined);
    stack().emulator.setFaults(undefined);
    expect(pending()).toBe(0);
    expect(await p.deadLetters()).toEqual([]);
    const limited = callsOf(stack().emulator)('users.create') - people.length;
    expect(limited).toBeGreaterThan(0); // there was a storm…
    expect(p.users.limiter.stats.rateLimited).toBeGreaterThan(0); // …the worker saw it…
    expect(p.users.limiter.rate).toBeLessThan(50); // …and slowed down
    expect(retries).toBeLessThan(people.length); // most commands landed within their first delivery
    await p.close();
  });
});
