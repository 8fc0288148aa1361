import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '@idp-sync/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, type CliProcess, childEnv, occupyPort, spawnCli, testRunDir } from '../../helpers/local-stack';
import { captureIo } from './dlq-messages';

// `npm start` leaves its ports and secrets in `.idp-sync/local-stack.json` (owner-only, removed when it stops), so that
// `npm run demo` and `idp-sync doctor` in another terminal need no pasted exports (issue #19). A file a crash left
// behind is not trusted blindly; the environment wins where it is set.

const runDir = testRunDir();
const stackFile = join(runDir, 'local-stack.json');
let start: CliProcess;

interface StackFile {
  pid: number;
  urls: { ingest: string; usersApi: string; sqs: string; dynamoDb: string };
  secrets: Record<string, string>;
}
const readStackFile = () => JSON.parse(readFileSync(stackFile, 'utf8')) as StackFile;

beforeAll(async () => {
  start = spawnCli('node', [CLI_BIN, 'start', '--quiet'], childEnv({ IDP_SYNC_RUN_DIR: runDir }));
  await start.waitForLine(/^ready$/);
}, 60_000);
/** Directories holding hand-made stack files, removed at the end. */
const madeDirs: string[] = [];
function madeDir(): string {
  const dir = testRunDir();
  mkdirSync(dir, { mode: 0o700 });
  madeDirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
  if (start && start.child.exitCode === null && start.child.signalCode === null) {
    start.child.kill('SIGKILL');
    await start.exited;
  }
});

/** A terminal in the directory of `npm start`: nothing exported, nothing pasted. */
const freshTerminal = (extra: NodeJS.ProcessEnv = {}) =>
  captureIo({ IDP_SYNC_RUN_DIR: runDir, IDP_SYNC_RECEIVE_WAIT_SECONDS: '0', ...extra });

function expectNoSecretIn(text: string): void {
  for (const value of Object.values(readStackFile().secrets)) expect(text).not.toContain(value);
}

/** A process id that no process has any more. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.once('exit', () => resolve(child.pid as number));
  });
}

describe('the stack file of npm start', () => {
  it('is written owner-only with where the stack listens and its secrets, and the console says where', () => {
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(statSync(stackFile).mode & 0o777).toBe(0o600);
    const file = readStackFile();
    expect(file.pid).toBe(start.child.pid);
    expect(start.stdout()).toContain(`ingest       ${file.urls.ingest}`);
    expect(Object.keys(file.secrets).sort()).toEqual(
      [
        'BAMBOOHR_WEBHOOK_KEY',
        'HR_WEBHOOK_SECRET',
        'OKTA_AUTH_SECRET',
        'SCIM_BEARER_TOKEN',
        'USERS_API_EMULATOR_KEY',
        'WORKOS_WEBHOOK_SECRET',
      ].sort(),
    );
    // The same values the banner prints (the one place the stack prints them).
    expect(start.stdout()).toContain(`export HR_WEBHOOK_SECRET='${file.secrets.HR_WEBHOOK_SECRET}'`);
    expect(start.stdout()).toMatch(/Stack file: .*local-stack\.json \(mode 600; removed when this stack stops\)/);
  });

  it('lets `demo` find the running stack with nothing exported, and it prints no secret', async () => {
    const run = freshTerminal();
    const code = await runCli(['demo'], run.io);
    expect(code, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(`against the local stack already running at ${readStackFile().urls.ingest}`);
    expect(run.stdout()).toMatch(/this stack's ports and secrets from .*local-stack\.json/);
    expect(run.stdout()).not.toContain('✗');
    expectNoSecretIn(run.stdout() + run.stderr());
  }, 60_000);

  it('lets `doctor` check the local stack with nothing exported: every check ok, no secret printed', async () => {
    const run = freshTerminal();
    const code = await runCli(['doctor'], run.io);
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(
      /Checking the local stack at http:\/\/127\.0\.0\.1:\d+ \(ports and secrets from .*local-stack\.json\)/,
    );
    expect(run.stdout()).toMatch(
      /ok +secret:hr +HR_WEBHOOK_SECRET \(from .*local-stack\.json\) is set and well-formed/,
    );
    expect(run.stdout()).not.toMatch(/^FAIL/m);
    expectNoSecretIn(run.stdout() + run.stderr());
  }, 60_000);

  it('the environment wins where it is set: a wrong secret exported gets the 401 message, naming both sources', async () => {
    const wrong = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const run = freshTerminal({ HR_WEBHOOK_SECRET: wrong });
    const code = await runCli(['demo'], run.io);
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(
      /refused with 401: the secrets in this environment and in .*local-stack\.json do not match the local stack already running/,
    );
    expect(run.stderr()).toMatch(/what to do: stop and start that stack again/);
  }, 60_000);

  it('a file a crashed stack left behind is not used: the writer is gone', async () => {
    const dir = madeDir();
    const port = await occupyPort();
    await port.close();
    const stale = {
      ...readStackFile(),
      pid: await deadPid(),
      urls: { ...readStackFile().urls, ingest: `http://127.0.0.1:${port.port}` },
    };
    writeFileSync(join(dir, 'local-stack.json'), JSON.stringify(stale), { mode: 0o600 });
    const run = captureIo({ IDP_SYNC_RUN_DIR: dir, PORT: String(port.port) });
    const code = await runCli(['doctor'], run.io);
    expect(code).toBe(1);
    expect(run.stdout()).toMatch(
      /skip +stack-file +.*local-stack\.json is left over from a stack that no longer runs \(pid \d+/,
    );
    expect(run.stdout()).toMatch(
      /FAIL +secret:hr +HR_WEBHOOK_SECRET is not set — what to do: run the doctor from the directory where npm start runs/,
    );
  }, 60_000);

  it('a file naming a stack that does not answer (its writer id taken by another process) is not used by the demo', async () => {
    const dir = madeDir();
    const port = await occupyPort();
    await port.close();
    // This test's own pid is alive; nothing listens at the file's URL.
    const ingest = `http://127.0.0.1:${port.port}`;
    const stale = { ...readStackFile(), pid: process.pid, urls: { ...readStackFile().urls, ingest } };
    writeFileSync(join(dir, 'local-stack.json'), JSON.stringify(stale), { mode: 0o600 });
    const run = captureIo({ IDP_SYNC_RUN_DIR: dir, PORT: String(port.port), IDP_SYNC_RECEIVE_WAIT_SECONDS: '0' });
    const code = await runCli(['demo'], run.io);
    expect(code, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(
      `note: ${dir}/local-stack.json names a stack at ${ingest}, but nothing answers there: not used`,
    );
    expect(run.stdout()).toContain('against a local stack of its own');
  }, 60_000);

  it('a left-over file whose URLs another stack now answers: the 401 message names the file and what to do', async () => {
    const dir = madeDir();
    const other = (prefix: string) => `${prefix}${Buffer.alloc(24, 9).toString('base64url')}`;
    const secrets = {
      OKTA_AUTH_SECRET: other('okta_'),
      SCIM_BEARER_TOKEN: other('scim_'),
      HR_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
      WORKOS_WEBHOOK_SECRET: other('wos_'),
      BAMBOOHR_WEBHOOK_KEY: 'ab'.repeat(20),
    };
    writeFileSync(join(dir, 'local-stack.json'), JSON.stringify({ ...readStackFile(), pid: process.pid, secrets }), {
      mode: 0o600,
    });
    const run = captureIo({ IDP_SYNC_RUN_DIR: dir, IDP_SYNC_RECEIVE_WAIT_SECONDS: '0' });
    const code = await runCli(['demo'], run.io);
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(
      /refused with 401: the secrets in .*local-stack\.json do not match the local stack already running/,
    );
    expect(run.stderr()).toMatch(
      /what to do: stop and start that stack again \(npm start writes .*local-stack\.json anew\)/,
    );
    for (const value of Object.values(secrets)) expect(run.stdout() + run.stderr()).not.toContain(value);
  }, 60_000);

  it('a file others may read is not trusted', async () => {
    const dir = madeDir();
    writeFileSync(join(dir, 'local-stack.json'), JSON.stringify(readStackFile()), { mode: 0o644 });
    const run = captureIo({ IDP_SYNC_RUN_DIR: dir });
    await runCli(['doctor'], run.io);
    expect(run.stdout()).toMatch(/skip +stack-file +.*local-stack\.json is not used: its permissions are 644, not 600/);
  }, 60_000);

  it('is removed when the stack stops', async () => {
    start.child.kill('SIGTERM');
    const { code } = await start.exited;
    expect(code).toBe(0);
    expect(existsSync(stackFile)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);
});
