import {
  type LocalDynamoDb,
  type LocalSqs,
  sourceRequests,
  startLocalDynamoDb,
  startLocalSqs,
  waitForDrainAt,
} from '@idp-sync/local-stack';
import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bannerUrl,
  CLI_BIN,
  type CliProcess,
  childEnv,
  deliver,
  occupyPort,
  spawnCli,
  waitFor,
} from '../helpers/local-stack';

/**
 * `npm start` as scripts outside the project use it: a child process that prints `ready`, answers `/health`, exits 0
 * on SIGTERM, fails in one line with exit 1, and — with external SQS/DynamoDB/Users API — can be killed mid-batch and
 * started again without losing anything.
 */

const children: CliProcess[] = [];
function track(cli: CliProcess): CliProcess {
  children.push(cli);
  return cli;
}
afterAll(() => {
  for (const cli of children)
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
});

/** stderr without Node's own warnings (e.g. a deprecation notice from a dependency). */
function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^\(node:\d+\)|--trace-/.test(l));
}

describe('npm start', () => {
  it('prints the banner and `ready`, serves /health, and exits 0 on SIGTERM after stopping', async () => {
    const cli = track(spawnCli('npm', ['start', '--silent'], childEnv()));
    await cli.waitForLine(/^ready$/);
    const ingest = bannerUrl(cli.stdout(), 'ingest');
    const health = await fetch(`${ingest}/health`);
    expect(await health.json()).toEqual({ status: 'ok', queue: { visible: 0, inFlight: 0 }, dlq: { visible: 0 } });
    for (const label of ['webhooks', 'SCIM (Entra)', 'Users API', 'SQS', 'DynamoDB']) {
      expect(cli.stdout()).toContain(label);
    }
    for (const variable of [
      'OKTA_AUTH_SECRET',
      'SCIM_BEARER_TOKEN',
      'HR_WEBHOOK_SECRET',
      'WORKOS_WEBHOOK_SECRET',
      'BAMBOOHR_WEBHOOK_KEY',
      'USERS_API_EMULATOR_KEY',
    ]) {
      expect(cli.stdout()).toMatch(new RegExp(`export ${variable}='[^']+'   # generated`));
    }
    expect(cli.stdout().match(/^curl /gm)?.length).toBe(5);
    cli.child.kill('SIGTERM');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stdout()).toMatch(/stopped\n$/);
    expect(ownLines(cli.stderr())).toEqual([]);
  });
});

describe('start failures: one line, exit 1', () => {
  it('names a port already in use and how to fix it', async () => {
    const taken = await occupyPort();
    try {
      const cli = track(spawnCli('node', [CLI_BIN, 'start'], childEnv({ PORT: String(taken.port) })));
      const { code } = await cli.exited;
      expect(code).toBe(1);
      const lines = ownLines(cli.stderr());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`port ${taken.port} on 127\\.0\\.0\\.1 is already in use \\(PORT\\)`));
      expect(lines[0]).toMatch(/set PORT to a free port/);
      expect(cli.stdout()).not.toMatch(/ready/);
    } finally {
      await taken.close();
    }
  });

  it('names a bad secret format without printing it', async () => {
    const cli = track(spawnCli('node', [CLI_BIN, 'start'], childEnv({ HR_WEBHOOK_SECRET: 'hunter2hunter2' })));
    const { code } = await cli.exited;
    expect(code).toBe(1);
    const lines = ownLines(cli.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/HR_WEBHOOK_SECRET must start with whsec_/);
    expect(lines[0]).not.toContain('hunter2');
  });

  it('names an unreachable external endpoint', async () => {
    const taken = await occupyPort();
    await taken.close();
    const cli = track(
      spawnCli('node', [CLI_BIN, 'start'], childEnv({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${taken.port}` })),
    );
    const { code } = await cli.exited;
    expect(code).toBe(1);
    const lines = ownLines(cli.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DYNAMODB_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);
  });
});

describe('a killed stack, started again on external SQS, DynamoDB and Users API', () => {
  let sqs: LocalSqs;
  let ddb: LocalDynamoDb;
  let emulator: UsersApiEmulator;
  beforeAll(async () => {
    [sqs, ddb, emulator] = await Promise.all([
      startLocalSqs({ queueUrlHost: 'localhost' }),
      startLocalDynamoDb(),
      startUsersApiEmulator({
        apiKeys: ['external-admin-key'],
        faults: { latencyMs: 250, operations: ['users.create'] },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sqs?.stop(), ddb?.stop(), emulator?.stop()]);
  });

  it('loses nothing when the process is SIGKILLed mid-batch', async () => {
    const secrets = {
      HR_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      OKTA_AUTH_SECRET: 'okta-secret-for-the-restart-test',
      SCIM_BEARER_TOKEN: 'scim-token-for-the-restart-test',
      WORKOS_WEBHOOK_SECRET: 'workos-secret-for-the-restart-test',
      BAMBOOHR_WEBHOOK_KEY: 'bamboo-key-for-the-restart-test',
    };
    const env = childEnv({
      ...secrets,
      SQS_ENDPOINT: sqs.endpoint,
      DYNAMODB_ENDPOINT: ddb.endpoint,
      ARIZE_BASE_URL: emulator.url,
      ARIZE_API_KEY: 'external-admin-key',
      WORKER_TIMEOUT_SECONDS: '3',
      VISIBILITY_BASE_SECONDS: '1',
      VISIBILITY_MAX_SECONDS: '2',
      USERS_API_RPS: '100',
    });
    const first = track(spawnCli('node', [CLI_BIN, 'start', '--quiet'], env));
    await first.waitForLine(/^ready$/);
    expect(first.stdout()).toContain('(SQS_ENDPOINT)');
    expect(first.stdout()).toContain('(the real Users API: ARIZE_BASE_URL)');
    const sources = sourceRequests({
      ingestUrl: bannerUrl(first.stdout(), 'ingest'),
      secrets: {
        okta: secrets.OKTA_AUTH_SECRET,
        scim: secrets.SCIM_BEARER_TOKEN,
        hr: secrets.HR_WEBHOOK_SECRET,
        workos: secrets.WORKOS_WEBHOOK_SECRET,
        bamboohr: secrets.BAMBOOHR_WEBHOOK_KEY,
      },
    });
    const people = Array.from({ length: 20 }, (_, i) => `killed-${i}@restart.example`);
    for (const email of people) {
      expect((await deliver(sources.hr('user.joined', { email, name: 'Survivor' }))).status).toBe(202);
    }
    await waitFor(() => {
      const done = people.filter((e) => emulator.state.findByEmail(e)).length;
      return done >= 2 && done < people.length;
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = track(spawnCli('node', [CLI_BIN, 'start', '--quiet'], env));
    await second.waitForLine(/^ready$/);
    await waitForDrainAt(`${bannerUrl(second.stdout(), 'ingest')}/health`, { timeoutMs: 30_000 });
    expect(people.map((e) => emulator.state.findByEmail(e)?.status)).toEqual(people.map(() => 'INVITED'));
    const creates = emulator.counters().byOperation['users.create']?.byStatus ?? {};
    // Each person created once. A create the killed process had sent but not yet recorded may run again after its
    // in-progress record expired: the Users API answers 200 with the pending invitation, sending nothing new.
    expect(creates['201']).toBe(people.length);
    expect(people.map((e) => emulator.state.findByEmail(e)?.invitationsSent)).toEqual(people.map(() => 1));
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
