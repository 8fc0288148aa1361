import { runCli } from '@idp-sync/cli';
import {
  type LocalStack,
  type LocalStackEvent,
  STACK_SECRET_ENV,
  STACK_SECRET_NAMES,
  sourceRequests,
} from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startTestStack, waitFor } from '../../helpers/local-stack';
import { captureIo } from './dlq-messages';

// `idp-sync demo` on a shared stack waits for its own people, not for the whole queue (issue #19): other traffic
// retrying in the queue does not hold it up, it says what it waits for, and its polling stays out of the request log.

let stack: LocalStack;
const events: LocalStackEvent[] = [];

beforeAll(async () => {
  // Retries come back within a second or two and never reach the DLQ while the tests run.
  stack = await startTestStack({ maxReceiveCount: 1000, onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await stack?.stop();
});

/** What the banner's `export …` lines give this terminal. */
function bannerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PORT: new URL(stack.urls.ingest).port,
    USERS_API_EMULATOR_PORT: new URL(stack.urls.usersApi).port,
    SQS_ENDPOINT: stack.urls.sqs,
    IDP_SYNC_RECEIVE_WAIT_SECONDS: '0',
    ...extra,
  };
  for (const name of STACK_SECRET_NAMES) env[STACK_SECRET_ENV[name]] = stack.secrets[name];
  return env;
}

const healthLines = () => events.filter((e) => e.type === 'request' && e.path === '/health').length;

describe('the demo on a shared stack', () => {
  it('with unrelated messages retrying in the queue, waits only for its own people and polls no route of the stack', async () => {
    // Someone else's password reset keeps failing with 503: it is retried again and again, the queue never drains.
    const emulator = stack.emulator!;
    emulator.state.seed([{ name: 'Olga Other', email: 'olga@other.example' }]);
    emulator.setFaults({ rates: { '503': 1 }, operations: ['users.resetPassword'] });
    const sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
    expect((await deliver(sources.hr('user.password.reset', { email: 'olga@other.example' }))).status).toBe(202);
    await waitFor(() => (emulator.counters().byOperation['users.resetPassword']?.total ?? 0) > 0);

    const before = healthLines();
    const run = captureIo(bannerEnv());
    const code = await runCli(['demo'], run.io);
    expect(code, run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(/Waiting for the demo's own 13 people \(not the whole queue\)/);
    expect(run.stdout()).toMatch(/^ {2}13\/13 settled \(/m);
    expect(run.stdout()).not.toContain('✗');
    // Its polling read the emulator and the DLQ: not one `GET /health` line in the stack's console.
    expect(healthLines()).toBe(before);
    // The other message is still going round: the demo did not wait for the queue to drain.
    const health = await stack.health();
    expect(health.queue.visible + health.queue.inFlight).toBeGreaterThan(0);
    emulator.setFaults(undefined);
    await stack.waitForDrain({ timeoutMs: 20_000 });
  }, 60_000);

  it('while its people are not settled, says every few seconds how many of them are and whom it waits for', async () => {
    await stack.pauseWorker();
    const run = captureIo(bannerEnv());
    const done = runCli(['demo'], run.io);
    try {
      // The setup's SCIM user cannot be provisioned while the worker is paused.
      await waitFor(
        () => /0\/1 settled after \d+\.\d s; waiting for Radia Perlman \(provisioned\)/.test(run.stdout()),
        20_000,
      );
    } finally {
      stack.resumeWorker();
    }
    expect(await done, run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(/^ {2}1\/1 settled \(/m);
    expect(run.stdout()).toMatch(/^ {2}13\/13 settled \(/m);
  }, 60_000);

  it('gives up after IDP_SYNC_DEMO_WAIT_SECONDS, naming who has not settled and what to do', async () => {
    await stack.pauseWorker();
    try {
      const run = captureIo(bannerEnv({ IDP_SYNC_DEMO_WAIT_SECONDS: '1' }));
      const code = await runCli(['demo'], run.io);
      expect(code).toBe(1);
      expect(run.stderr()).toMatch(
        /after 1 s, 1 of the demo's 1 people neither reached the state the scenario expects nor the DLQ: Radia Perlman \(provisioned\)/,
      );
      expect(run.stderr()).toMatch(/what to do: .*npx idp-sync dlq list/);
    } finally {
      stack.resumeWorker();
    }
    await stack.waitForDrain({ timeoutMs: 20_000 });
  }, 60_000);
});
