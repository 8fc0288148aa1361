import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  curlExamples,
  type LocalStack,
  loadLocalStackConfig,
  locationExports,
  renderBanner,
} from '@idp-sync/local-stack';
import type { UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../helpers/local-stack';

const run = promisify(execFile);

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ secrets: { okta: "it's-a-secret-with-a-quote" } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the start-up banner', () => {
  it('shows every URL and every secret, marking the generated ones', () => {
    const banner = renderBanner(stack);
    for (const url of [
      stack.urls.ingest,
      stack.urls.health,
      stack.urls.webhooks.okta,
      stack.urls.scim,
      stack.urls.usersApi,
      stack.urls.sqs,
      stack.urls.dynamoDb,
    ]) {
      expect(banner).toContain(url);
    }
    expect(banner).toContain(`export OKTA_AUTH_SECRET='it'\\''s-a-secret-with-a-quote'\n`);
    for (const [variable, value] of [
      ['HR_WEBHOOK_SECRET', stack.secrets.hr],
      ['SCIM_BEARER_TOKEN', stack.secrets.scim],
      ['WORKOS_WEBHOOK_SECRET', stack.secrets.workos],
      ['BAMBOOHR_WEBHOOK_KEY', stack.secrets.bamboohr],
      ['USERS_API_EMULATOR_KEY', stack.usersApiKey],
    ]) {
      expect(banner).toContain(`export ${variable}='${value}'   # generated`);
    }
    expect(banner).toContain(stack.queues.queueName);
    expect(banner).toContain(stack.queues.dlqName);
  });

  it('has a curl example per source that works when pasted into bash, signatures computed at run time', async () => {
    const examples = curlExamples(stack);
    expect(examples.map((e) => e.source)).toEqual(['okta', 'scim', 'hr', 'workos', 'bamboohr']);
    for (const example of examples) {
      const { stdout } = await run('bash', ['-c', example.command], { timeout: 20_000 });
      expect(stdout, example.title).toMatch(/-> HTTP 20[0-2]\n$/);
    }
    await stack.waitForDrain({ timeoutMs: 20_000 });
    const emulator = stack.emulator as UsersApiEmulator;
    for (const example of examples) {
      expect(emulator.state.findByEmail(example.email)?.status, example.source).toBe('INVITED');
    }
  });

  it('still works when pasted long after the banner was printed', async () => {
    const printedAnHourAgo = curlExamples(stack, new Date(Date.now() - 3_600_000));
    for (const example of printedAnHourAgo.filter((e) => ['hr', 'workos', 'bamboohr'].includes(e.source))) {
      const { stdout } = await run('bash', ['-c', example.command], { timeout: 20_000 });
      expect(stdout, example.title).toMatch(/-> HTTP 202\n$/);
    }
  });

  it('on ports that are not the defaults, exports where the stack listens, in the variables npm run demo reads', async () => {
    const banner = renderBanner(stack);
    const line = banner.split('\n').find((l) => l.trimStart().startsWith('export PORT='));
    expect(line).toBeDefined();
    // Pasted into another terminal, the variables lead npm start's own config loader back to this stack.
    const { stdout } = await run('bash', [
      '-c',
      `${line}\nnode -e 'process.stdout.write(JSON.stringify(process.env))'`,
    ]);
    const config = loadLocalStackConfig(JSON.parse(stdout) as Record<string, string>);
    const port = (url: string) => Number(new URL(url).port);
    expect(config.port).toBe(port(stack.urls.ingest));
    expect(config.sqsPort).toBe(port(stack.urls.sqs));
    expect(config.emulatorPort).toBe(port(stack.urls.usersApi));
    expect(config.dynamoDbPort).toBe(port(stack.urls.dynamoDb));
  });

  it('prints no location line on the default ports, and the endpoints of external services', () => {
    const onDefaults = {
      ...stack,
      urls: {
        ...stack.urls,
        ingest: 'http://127.0.0.1:3000',
        usersApi: 'http://127.0.0.1:4010',
        sqs: 'http://127.0.0.1:4566',
        dynamoDb: 'http://127.0.0.1:8000',
      },
    };
    expect(locationExports(onDefaults)).toBeUndefined();
    expect(renderBanner(onDefaults)).not.toMatch(/export (HOST|PORT)=/);

    const external = {
      ...onDefaults,
      urls: { ...onDefaults.urls, ingest: 'http://localhost:3000', sqs: 'http://localhost:4566' },
      embedded: { sqs: false, dynamoDb: true, usersApi: true },
    };
    expect(locationExports(external)).toBe(
      'export HOST=localhost PORT=3000 SQS_ENDPOINT=http://localhost:4566 USERS_API_EMULATOR_PORT=4010 DYNAMODB_PORT=8000',
    );
    const onlyExternal = { ...onDefaults, embedded: { sqs: true, dynamoDb: false, usersApi: false } };
    expect(locationExports(onlyExternal)).toBe(
      'export PORT=3000 SQS_PORT=4566 DYNAMODB_ENDPOINT=http://127.0.0.1:8000',
    );
  });
});
