import { PassThrough } from 'node:stream';
import { type CliIo, runCli } from '@idp-sync/cli';
import { type LocalStack, STACK_SECRET_ENV, STACK_SECRET_NAMES } from '@idp-sync/local-stack';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, occupyPort, startTestStack } from '../helpers/local-stack';

/** `npm run demo`: the scenario from every source, against its own stack or one already running. */

function capture(env: NodeJS.ProcessEnv): { io: CliIo; stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return { io: { stdout, stderr, stdin: new PassThrough(), env }, stdout: () => out, stderr: () => err };
}

/** A port nothing listens on, so the demo does not find a stack there. */
async function freePort(): Promise<string> {
  const taken = await occupyPort();
  await taken.close();
  return String(taken.port);
}

function expectAllChecksPassed(stdout: string): void {
  expect(stdout).toContain('Users before');
  expect(stdout).toContain('Users after');
  expect(stdout).toMatch(/Dead-letter queue \(1 message from this run\)/);
  // The DLQ table redacts emails, as `idp-sync dlq list` does.
  expect(stdout).toMatch(/b\*\*\*@\S+\s+[0-9a-f]{8}\s+EmailDeleted/);
  expect(stdout).not.toMatch(/barbara\.liskov@\S+\s+EmailDeleted/);
  expect(stdout).toMatch(/Users API calls: \d+/);
  expect(stdout.match(/✓/g)).toHaveLength(9);
  // Issue #18: one person created with a custom role, chosen by her WorkOS group.
  expect(stdout).toMatch(
    /✓ Hedy Lamarr was created with the custom role "Data Scientist" her WorkOS group "Data Science" maps to/,
  );
  expect(stdout).not.toContain('✗');
}

let running: LocalStack | undefined;
afterAll(async () => {
  await running?.stop();
});

describe('npm run demo', () => {
  it('starts a stack of its own, runs the scenario, prints the tables and stops it again', async () => {
    const cli = capture(childEnv({ PORT: await freePort() }));
    const code = await runCli(['demo'], cli.io);
    expect(cli.stderr()).toBe('');
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('against a local stack of its own');
    expectAllChecksPassed(cli.stdout());
    expect(cli.stdout()).toMatch(/Ada Lovelace\s+ada\.lovelace@acme\.example\s+INVITED\s+MEMBER\s+1\s+new/);
    expect(cli.stdout()).toMatch(/Hedy Lamarr\s+hedy\.lamarr@acme\.example\s+INVITED\s+CUSTOM:Data Scientist/);
    // Its stack is gone: this process may host another one.
    running = await startTestStack();
  });

  it('uses a stack that is already running, given its secrets', async () => {
    const stack = running as LocalStack;
    const secrets = Object.fromEntries(STACK_SECRET_NAMES.map((name) => [STACK_SECRET_ENV[name], stack.secrets[name]]));
    const env = childEnv({
      ...secrets,
      HOST: '127.0.0.1',
      PORT: new URL(stack.urls.ingest).port,
      USERS_API_EMULATOR_PORT: new URL(stack.urls.usersApi).port,
      SQS_ENDPOINT: stack.urls.sqs,
    });
    const cli = capture(env);
    const code = await runCli(['demo'], cli.io);
    expect(cli.stderr()).toBe('');
    expect(code).toBe(0);
    expect(cli.stdout()).toContain(`against the local stack already running at ${stack.urls.ingest}`);
    expectAllChecksPassed(cli.stdout());
    expect((await stack.health()).queue).toEqual({ visible: 0, inFlight: 0 });
  });

  it('says how to give it the secrets of a running stack', async () => {
    const stack = running as LocalStack;
    const cli = capture(childEnv({ PORT: new URL(stack.urls.ingest).port }));
    const code = await runCli(['demo'], cli.io);
    expect(code).toBe(1);
    expect(cli.stderr()).toMatch(/a local stack is running at .*, but its secrets are not in this environment/);
    expect(cli.stderr()).toMatch(/paste the `export …` lines its banner printed/);
  });
});
