import { type BatchResult, type LocalStack, type SourceRequests, sourceRequests } from '@idp-sync/local-stack';
import type { UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startTestStack, waitFor } from '../helpers/local-stack';

/**
 * The worker side of the local stack behaves like the Lambda event source around a crash: a worker environment that
 * dies mid-batch acknowledges nothing, SQS redelivers after the visibility timeout, and the worker's idempotency
 * records make the redelivery a no-op for what was already applied — nothing is lost, nothing is applied twice.
 */

let stack: LocalStack;
let emulator: UsersApiEmulator;
let sources: SourceRequests;
const batches: BatchResult[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    // Slow creates keep batches in flight long enough to crash in the middle of one.
    emulator: { faults: { latencyMs: 250, operations: ['users.create'] } },
    workerInstances: 2,
    onEvent: (event) => {
      if (event.type === 'batch') batches.push(event);
    },
  });
  emulator = stack.emulator as UsersApiEmulator;
  sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
});
afterAll(async () => {
  await stack?.stop();
});

describe('worker restart', () => {
  it('loses nothing and applies nothing twice when the worker crashes mid-batch', async () => {
    emulator.resetCounters();
    const people = Array.from({ length: 24 }, (_, i) => `crash-${i}@restart.example`);
    for (const email of people) {
      expect((await deliver(sources.hr('user.joined', { email, name: `Person ${email.slice(6, 8)}` }))).status).toBe(
        202,
      );
    }
    // Some people applied, some batches still running: crash now.
    await waitFor(() => {
      const done = people.filter((e) => emulator.state.findByEmail(e)).length;
      return done >= 2 && done < people.length;
    });
    const inFlightAtCrash = (await stack.health()).queue.inFlight;
    await stack.restartWorker({ crash: true });
    const afterCrash = batches.length;

    await stack.waitForDrain({ timeoutMs: 30_000 });
    expect(inFlightAtCrash).toBeGreaterThan(0);
    // The crashed batches' messages came back (nothing of theirs was acknowledged)…
    expect(batches.slice(afterCrash).reduce((sum, b) => sum + b.redelivered, 0)).toBeGreaterThan(0);
    // …and were absorbed: every person exists once, nobody failed.
    expect(people.map((e) => emulator.state.findByEmail(e)?.status)).toEqual(people.map(() => 'INVITED'));
    const creates = emulator.counters().byOperation['users.create']?.byStatus ?? {};
    // Each person created once: a second create of a pending invitee would answer 200.
    expect(creates['201']).toBe(people.length);
    expect(creates['200']).toBeUndefined();
    expect((await stack.health()).dlq.visible).toBe(0);
  });

  it('pauses after the batches in flight, keeps new work queued, and resumes', async () => {
    await stack.pauseWorker();
    const people = ['paused-1@restart.example', 'paused-2@restart.example', 'paused-3@restart.example'];
    for (const email of people) {
      expect((await deliver(sources.hr('user.joined', { email, name: 'Paused' }))).status).toBe(202);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await stack.health()).queue.visible).toBe(3);
    expect(people.some((e) => emulator.state.findByEmail(e))).toBe(false);
    stack.resumeWorker();
    await stack.waitForDrain({ timeoutMs: 20_000 });
    expect(people.map((e) => emulator.state.findByEmail(e)?.status)).toEqual(['INVITED', 'INVITED', 'INVITED']);
  });

  it('restarts gracefully: fresh handler instances pick up where the old ones stopped', async () => {
    await stack.restartWorker();
    const email = 'after-restart@restart.example';
    expect((await deliver(sources.hr('user.joined', { email, name: 'After Restart' }))).status).toBe(202);
    await stack.waitForDrain({ timeoutMs: 20_000 });
    expect(emulator.state.findByEmail(email)?.status).toBe('INVITED');
  });
});
