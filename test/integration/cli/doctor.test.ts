import { createServer } from 'node:net';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type CheckResult, runCli } from '@idp-sync/cli';
import type { LocalStack } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsStandIn, startAwsStandIn } from '../../helpers/aws-stand-in';
import { captureIo } from '../../helpers/cli-io';
import { startTestStack } from '../../helpers/local-stack';

/**
 * `idp-sync doctor` against real parts: the local stack (fauxqs, dynalite, the Users API emulator, the ingest and
 * SCIM handlers over HTTP on 127.0.0.1), and for `--stack` a stand-in of CloudFormation and Secrets Manager whose
 * outputs and secrets describe that same local stack.
 */

const READ_ONLY_KEY = 'doctor-read-only-key-0123456789';
/** Okta's and SCIM's secrets as CDK generates them at deploy (48 letters and digits): the stack runs with them. */
const GENERATED_OKTA = 'Zq8mW2xK5vB9nR4tY7uP1sD3fG6hJ0kLa2cE5iO8wQ1zX4bN';
const GENERATED_SCIM = 'Hn4kT7pW0sZ3vC6xB9mQ2rF5jL8dG1yU4oA7eI0tR3wS6zK9';
let stack: LocalStack;
let aws: AwsStandIn;

/** The environment `npm start`'s banner gives a shell: where the stack listens and its secrets. */
function localEnv(): NodeJS.ProcessEnv {
  const port = (url: string) => new URL(url).port;
  return {
    PORT: port(stack.urls.ingest),
    SQS_PORT: port(stack.urls.sqs),
    DYNAMODB_PORT: port(stack.urls.dynamoDb),
    USERS_API_EMULATOR_PORT: port(stack.urls.usersApi),
    AWS_REGION: stack.region,
    OKTA_AUTH_SECRET: stack.secrets.okta,
    SCIM_BEARER_TOKEN: stack.secrets.scim,
    HR_WEBHOOK_SECRET: stack.secrets.hr,
    WORKOS_WEBHOOK_SECRET: stack.secrets.workos,
    BAMBOOHR_WEBHOOK_KEY: stack.secrets.bamboohr,
    USERS_API_EMULATOR_KEY: stack.usersApiKey,
  };
}

/** Every secret the runs could print. */
function secretValues(): string[] {
  return [...Object.values(stack.secrets), stack.usersApiKey, READ_ONLY_KEY];
}

async function doctor(argv: string[], env: NodeJS.ProcessEnv) {
  const captured = captureIo(env);
  const code = await runCli(['doctor', ...argv], captured.io);
  const stdout = captured.stdout();
  const stderr = captured.stderr();
  for (const secret of secretValues()) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
  return { code, stdout, stderr };
}

async function doctorJson(argv: string[], env: NodeJS.ProcessEnv) {
  const run = await doctor([...argv, '--json'], env);
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: CheckResult[] };
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  return { ...run, report, byId, status: (id: string) => byId.get(id)?.status };
}

const failed = (checks: readonly CheckResult[]) => checks.filter((c) => c.status === 'fail').map((c) => c.id);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function queueTotals() {
  const depth = async (url: string) => {
    const out = await stack.sqsClient.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };
  return { queue: await depth(stack.queues.queueUrl), dlq: await depth(stack.queues.dlqUrl) };
}

beforeAll(async () => {
  stack = await startTestStack({
    secrets: { okta: GENERATED_OKTA, scim: GENERATED_SCIM },
    emulatorExtraApiKeys: [{ key: READ_ONLY_KEY, role: 'read-only', name: 'doctor-reader' }],
  });
  aws = await startAwsStandIn();
}, 60_000);

afterAll(async () => {
  await aws?.stop();
  await stack?.stop();
});

describe('idp-sync doctor against the local stack', () => {
  it('all ok, read-only: one line per check, exit 0, nothing queued and nobody created', async () => {
    const usersBefore = stack.emulator?.state.users().length;
    const run = await doctor([], localEnv());
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const checks = lines.slice(0, -1);
    for (const id of [
      'secret:okta',
      'secret:scim',
      'secret:hr',
      'secret:workos',
      'secret:bamboohr',
      'secret:users-api-key',
      'users-api:read',
      'users-api:create',
      'queue',
      'dlq',
      'table',
      'route:health',
      'route:okta',
      'route:scim',
      'route:hr',
      'route:workos',
      'route:bamboohr',
    ]) {
      expect(checks.find((l) => l.split(/\s+/)[1] === id)).toMatch(/^ok /);
    }
    // What could not be checked is said, never passed off as ok.
    expect(checks.find((l) => l.includes('users-api:other'))).toMatch(/^skip .*not checked: update, delete/);
    expect(checks.find((l) => l.includes('test-events'))).toMatch(/^skip .*--send-test-events/);
    expect(checks.every((l) => /^(ok|skip) /.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\d+ checks: \d+ ok, 0 failed, 2 not checked\.$/);
    expect(run.stdout).toMatch(/route:hr\s+POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/hr unsigned → 401/);
    expect(run.stdout).toMatch(/users-api:create .*an empty create was refused for its body \(400\)/);
    expect(stack.emulator?.state.users().length).toBe(usersBefore);
    expect(await queueTotals()).toEqual({ queue: 0, dlq: 0 });
  });

  it('--send-test-events: one signed, harmless request per source, each accepted, nothing queued', async () => {
    const { code, report, byId } = await doctorJson(['--send-test-events'], localEnv());
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(byId.get('test-event:okta')?.detail).toMatch(/verification GET .*→ 200: echoed the challenge/);
    expect(byId.get('test-event:scim')?.detail).toMatch(/Test Connection .*→ 200: answered an empty list/);
    for (const source of ['hr', 'workos', 'bamboohr']) {
      expect(byId.get(`test-event:${source}`)?.detail).toMatch(
        /idp-sync\.doctor\.test event → 202: acknowledged it, queued nothing/,
      );
    }
    expect(await queueTotals()).toEqual({ queue: 0, dlq: 0 });
  });

  it('a missing secret, and one in the wrong format: FAIL with what to do, exit 1', async () => {
    const { HR_WEBHOOK_SECRET: _hr, ...env } = localEnv();
    const missing = await doctorJson(['--send-test-events'], env);
    expect(missing.code).toBe(1);
    expect(failed(missing.report.checks)).toEqual(['secret:hr']);
    expect(missing.byId.get('secret:hr')).toMatchObject({
      detail: 'HR_WEBHOOK_SECRET is not set',
      hint: expect.stringMatching(
        /^run the doctor from the directory where npm start runs .*local-stack\.json\), or export HR_WEBHOOK_SECRET as the banner of npm start prints it/,
      ),
    });
    expect(missing.status('test-event:hr')).toBe('skip');
    expect(missing.stderr).toMatch(
      /error: 1 of \d+ checks failed on the local stack at http:\/\/127\.0\.0\.1:\d+\nwhat to do: fix what each FAIL line says/,
    );

    const wrongFormat = await doctor([], {
      ...localEnv(),
      HR_WEBHOOK_SECRET: stack.secrets.hr.replace('whsec_', 'hrsec_'),
    });
    expect(wrongFormat.code).toBe(1);
    expect(wrongFormat.stdout).toMatch(
      /^FAIL\s+secret:hr\s+HR_WEBHOOK_SECRET is set but must start with whsec_.* — what to do: put the HR system's Standard Webhooks signing secret/m,
    );
  });

  it('a well-formed secret the stack does not use: only the test event can tell, and it does', async () => {
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const run = await doctorJson(['--send-test-events'], { ...localEnv(), HR_WEBHOOK_SECRET: other });
    expect(run.code).toBe(1);
    expect(failed(run.report.checks)).toEqual(['test-event:hr']);
    expect(run.byId.get('test-event:hr')?.detail).toMatch(
      /→ 401 \(no webhook-signature matches the body\): the route does not take the secret/,
    );
  });

  it('a wrong Users API key: the read fails with 401, the create is not tried', async () => {
    const run = await doctorJson([], { ...localEnv(), USERS_API_EMULATOR_KEY: 'not-the-emulator-key' });
    expect(run.code).toBe(1);
    expect(failed(run.report.checks)).toEqual(['users-api:read']);
    expect(run.byId.get('users-api:read')?.detail).toMatch(/refused the key \(401/);
    expect(run.byId.get('users-api:create')).toMatchObject({
      status: 'skip',
      detail: 'not checked: the key was refused',
    });
  });

  it('a key without the create role: it reads, but the empty create gets 403 and nobody is created', async () => {
    const usersBefore = stack.emulator?.state.users().length;
    const run = await doctorJson([], { ...localEnv(), USERS_API_EMULATOR_KEY: READ_ONLY_KEY });
    expect(run.code).toBe(1);
    expect(failed(run.report.checks)).toEqual(['users-api:create']);
    expect(run.status('users-api:read')).toBe('ok');
    expect(run.byId.get('users-api:create')).toMatchObject({
      detail: expect.stringMatching(
        /^the key may not create users \(403 to an empty create: .*USER_CREATE.*; nobody was created\)$/,
      ),
      hint: expect.stringMatching(/account admin, or one with USER_CREATE/),
    });
    expect(stack.emulator?.state.users().length).toBe(usersBefore);
  });

  it('an unreachable queue: both queue lines fail with the reason and what to do, the rest still runs', async () => {
    const port = await closedPort();
    const run = await doctorJson([], { ...localEnv(), SQS_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(failed(run.report.checks).sort()).toEqual(['dlq', 'queue']);
    expect(run.byId.get('queue')).toMatchObject({
      detail: `idp-sync-commands.fifo: cannot reach SQS at http://127.0.0.1:${port} (ECONNREFUSED)`,
      hint: expect.stringMatching(/^start the local stack \(npm start\), or set SQS_PORT/),
    });
    expect(run.status('table')).toBe('ok');
    expect(run.status('route:health')).toBe('ok');
  });

  it('a queue that does not exist is named', async () => {
    const run = await doctorJson([], { ...localEnv(), IDP_SYNC_QUEUE_NAME: 'nobody-made-this.fifo' });
    expect(failed(run.report.checks)).toEqual(['queue']);
    expect(run.byId.get('queue')?.detail).toMatch(/^there is no queue nobody-made-this\.fifo on SQS at/);
  });
});

describe('idp-sync doctor --stack (CloudFormation and Secrets Manager stand-in)', () => {
  /** The stack outputs of a deployment whose URLs, queues and table are the local stack's. */
  function deploy() {
    aws.putStack('idp-sync', {
      WebhookBaseUrl: stack.urls.ingest,
      HealthUrl: stack.urls.health,
      OktaWebhookUrl: stack.urls.webhooks.okta,
      ScimBaseUrl: stack.urls.scim,
      ScimUsersUrl: `${stack.urls.scim}/Users`,
      HrWebhookUrl: stack.urls.webhooks.hr,
      WorkosWebhookUrl: stack.urls.webhooks.workos,
      BamboohrWebhookUrl: stack.urls.webhooks.bamboohr,
      QueueUrl: stack.queues.queueUrl,
      DlqUrl: stack.queues.dlqUrl,
      StateTableName: stack.stateTableName,
    });
    // Okta's and SCIM's are the values generated at deploy (one version); the vendors' were put afterwards.
    aws.putSecret('idp-sync/okta-auth', stack.secrets.okta);
    aws.putSecret('idp-sync/scim-bearer-token', stack.secrets.scim);
    aws.putSecret('idp-sync/hr-webhook', stack.secrets.hr, { versions: 2 });
    aws.putSecret('idp-sync/workos-webhook', JSON.stringify({ current: stack.secrets.workos, previous: 'old-one' }), {
      versions: 3,
    });
    aws.putSecret('idp-sync/bamboohr-webhook-key', stack.secrets.bamboohr, { versions: 2 });
    aws.putSecret('idp-sync/users-api-key', JSON.stringify({ apiKey: stack.usersApiKey }), { versions: 2 });
  }

  const awsEnv = (): NodeJS.ProcessEnv => ({
    AWS_REGION: stack.region,
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    AWS_ENDPOINT_URL_SQS: stack.urls.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: stack.urls.dynamoDb,
  });
  const flags = () => ['--stack', 'idp-sync', '--users-api-url', stack.urls.usersApi];

  it('all ok, with test events signed with the secrets read from Secrets Manager; only reads AWS', async () => {
    deploy();
    aws.actions.length = 0;
    const run = await doctor([...flags(), '--send-test-events'], awsEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.stdout).toMatch(/^ok\s+stack\s+idp-sync is CREATE_COMPLETE; sources okta, scim, hr, workos, bamboohr$/m);
    expect(run.stdout).toMatch(
      /^ok\s+secret:okta\s+secret idp-sync\/okta-auth is set and well-formed \(the value generated at deploy/m,
    );
    expect(run.stdout).toMatch(/^ok\s+secret:workos\s+.*\(rotating: current and previous both accepted\)$/m);
    expect(run.stdout).toMatch(/^ok\s+test-event:workos\s/m);
    expect(run.stdout).toMatch(
      /^ok\s+queue\s+idp-sync-commands\.fifo answers .*redrive to the DLQ after \d+ receives$/m,
    );
    expect(run.stderr).toMatch(/^Checking stack idp-sync \(us-east-1\), sending one test event per source…$/m);
    expect(new Set(aws.actions)).toEqual(
      new Set(['CloudFormation.DescribeStacks', 'SecretsManager.GetSecretValue', 'SecretsManager.DescribeSecret']),
    );
  });

  it('the HR secret is still CDK’s placeholder and the WorkOS secret is gone: "not set", with the command to put them', async () => {
    deploy();
    const placeholder = 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6v';
    aws.putSecret('idp-sync/hr-webhook', placeholder);
    aws.deleteSecret('idp-sync/workos-webhook');
    const run = await doctorJson([...flags(), '--send-test-events'], awsEnv());
    expect(run.stdout).not.toContain(placeholder);
    expect(run.code).toBe(1);
    expect(failed(run.report.checks).sort()).toEqual(['secret:hr', 'secret:workos']);
    expect(run.byId.get('secret:hr')).toMatchObject({
      detail: 'secret idp-sync/hr-webhook is not set: it still holds the placeholder CDK generated at deploy',
      hint: expect.stringContaining(
        'aws secretsmanager put-secret-value --secret-id idp-sync/hr-webhook --secret-string file://value.txt',
      ),
    });
    expect(run.byId.get('secret:workos')?.detail).toBe('secret idp-sync/workos-webhook is not set');
    expect(run.status('test-event:hr')).toBe('skip');
    expect(run.status('test-event:okta')).toBe('ok');
  });

  it('the same 48-character value put by hand (a second version) is not the placeholder', async () => {
    deploy();
    aws.putSecret('idp-sync/bamboohr-webhook-key', 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6v', { versions: 2 });
    const run = await doctorJson(flags(), awsEnv());
    expect(run.status('secret:bamboohr')).toBe('ok');
  });

  it('--api-url checks the same routes behind another base; without a HealthUrl output it is not missed', async () => {
    deploy();
    const outputs = {
      QueueUrl: stack.queues.queueUrl,
      DlqUrl: stack.queues.dlqUrl,
      StateTableName: stack.stateTableName,
      HrWebhookUrl: 'https://unused.example/webhooks/hr',
    };
    aws.putStack('idp-sync-hr-only', outputs);
    const run = await doctorJson(
      ['--stack', 'idp-sync-hr-only', '--users-api-url', stack.urls.usersApi, '--api-url', stack.urls.ingest],
      awsEnv(),
    );
    expect(run.code).toBe(0);
    expect(run.byId.get('stack')?.detail).toBe('idp-sync-hr-only is CREATE_COMPLETE; sources hr');
    expect(run.report.checks.filter((c) => c.id.startsWith('route:')).map((c) => c.id)).toEqual([
      'route:health',
      'route:hr',
    ]);
    expect(run.byId.get('route:hr')?.detail).toContain(`${stack.urls.ingest}/webhooks/hr unsigned → 401`);
  });

  it('a bad flag value is a usage error (exit 2) before anything is asked', async () => {
    aws.actions.length = 0;
    const run = await doctor(['--stack', 'idp-sync', '--api-url', 'not a url'], awsEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: --api-url "not a url" is not an http\(s\) URL\nwhat to do: /);
    expect(aws.actions).toEqual([]);
  });

  it('a stack that is not there: one error line and what to do, exit 1', async () => {
    const run = await doctor(['--stack', 'no-such-stack'], awsEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /error: stack "no-such-stack" was not found in us-east-1\nwhat to do: check --stack and the region/,
    );
  });
});
