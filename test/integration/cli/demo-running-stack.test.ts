import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { runCli } from '@idp-sync/cli';
import {
  type LocalStack,
  type LocalStackEvent,
  STACK_SECRET_ENV,
  STACK_SECRET_NAMES,
  startLocalStack,
} from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './dlq-messages';

// `idp-sync demo` against a stack already running on other ports than the defaults, as `npm run demo` finds it.
let stack: LocalStack;
const events: LocalStackEvent[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ receiveWaitSeconds: 1, logLevel: 'SILENT', onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await stack?.stop();
});

const portOf = (url: string) => new URL(url).port;

/** What the banner's `export …` lines give this terminal. */
function bannerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PORT: portOf(stack.urls.ingest),
    USERS_API_EMULATOR_PORT: portOf(stack.urls.usersApi),
    SQS_PORT: portOf(stack.urls.sqs),
    DYNAMODB_PORT: portOf(stack.urls.dynamoDb),
    IDP_SYNC_RECEIVE_WAIT_SECONDS: '0',
  };
  for (const name of STACK_SECRET_NAMES) env[STACK_SECRET_ENV[name]] = stack.secrets[name];
  return env;
}

function closedPort(): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(String(port)));
    });
  });
}

const webhookRequests = () => events.filter((e) => e.type === 'request' && e.path !== '/health').length;

describe('idp-sync demo against a running stack', () => {
  it('checks SQS before sending anything, and names the variables to set', async () => {
    const before = webhookRequests();
    const run = captureIo({ ...bannerEnv(), SQS_PORT: await closedPort() });
    const code = await runCli(['demo'], run.io);
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(/cannot read its DLQ: cannot reach .*ECONNREFUSED.*nothing was sent/);
    expect(run.stderr()).toMatch(/what to do: set SQS_PORT \(or SQS_ENDPOINT\)/);
    expect(webhookRequests()).toBe(before);
  });

  it('says the secrets do not match when deliveries are refused with 401', async () => {
    const wrong = `whsec_${randomBytes(32).toString('base64')}`;
    const run = captureIo({ ...bannerEnv(), HR_WEBHOOK_SECRET: wrong });
    const code = await runCli(['demo'], run.io);
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(/refused with 401: the secrets in this environment do not match/);
    expect(run.stderr()).toMatch(/what to do: paste the `export …` lines its banner printed/);
    expect(run.stderr()).not.toMatch(/npm test/);
  }, 90_000);

  it('with the right secrets goes through, and its DLQ table redacts emails as `dlq list` does', async () => {
    const run = captureIo(bannerEnv());
    const code = await runCli(['demo'], run.io);
    expect(code, run.stderr()).toBe(0);
    const dlq = run.stdout().split('Dead-letter queue')[1]?.split('\n\n')[0] ?? '';
    expect(dlq).toMatch(/1 message from this run/);
    expect(dlq).toMatch(/\*\*\*@acme-[0-9a-f]+\.example/);
    expect(dlq).not.toMatch(/[a-z]{2,}\.[a-z]+@acme/);
  }, 90_000);
});
