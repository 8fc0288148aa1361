import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, childEnv, REPO_ROOT, spawnCli, testRunDir, waitFor } from '../helpers/local-stack';

/**
 * The root README's "Try it locally" block of the DLQ runbook (issue #19), run as written: the commands are read from
 * the README between its `try-it:dlq` markers and run in bash from the repository root, against `npm start` with the
 * block's own `MAX_RECEIVE_COUNT=1`. The only changes are where this stack listens — free ports instead of the
 * defaults, a stack file of its own — so the test never touches a developer's stack.
 */

const exec = promisify(execFile);

function tryItBlock(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const inner = readme.split('<!-- try-it:dlq:start -->')[1]?.split('<!-- try-it:dlq:end -->')[0];
  const body = inner?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!body)
    throw new Error('README.md has no ```sh block between <!-- try-it:dlq:start --> and <!-- try-it:dlq:end -->');
  // One command per logical line: `\` continues it; blank lines and whole-line comments are not commands.
  return body.split(/(?<!\\)\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

const runDir = testRunDir();
let stack: CliProcess;
let urls: { ingest: string; usersApi: string; sqs: string };
let scimToken: string;
const commands = tryItBlock();

beforeAll(async () => {
  // The block's first command, in terminal 1: its variable assignments, then `npm start`.
  const first = commands[0] ?? '';
  const start = /^((?:\w+=\S+\s+)*)npm start(?:\s+#.*)?$/.exec(first);
  if (!start) throw new Error(`the block's first command is not "VAR=… npm start": ${first}`);
  const assignments = Object.fromEntries(
    (start[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((a) => a.split('=') as [string, string]),
  );
  expect(assignments).toEqual({ MAX_RECEIVE_COUNT: '1' });
  stack = spawnCli('npm', ['start', '--silent'], childEnv({ ...assignments, IDP_SYNC_RUN_DIR: runDir }));
  await stack.waitForLine(/^ready$/);
  const file = JSON.parse(readFileSync(join(runDir, 'local-stack.json'), 'utf8'));
  urls = file.urls;
  scimToken = file.secrets.SCIM_BEARER_TOKEN;
}, 90_000);

afterAll(async () => {
  if (stack && stack.child.exitCode === null && stack.child.signalCode === null) {
    stack.child.kill('SIGTERM');
    await stack.exited;
  }
});

/** The block's command where this stack listens: each default it names must be there (else the block changed). */
function here(command: string): string {
  return command
    .replaceAll('http://127.0.0.1:4010', urls.usersApi)
    .replaceAll('http://127.0.0.1:3000', urls.ingest)
    .replaceAll('./.idp-sync/local-stack.json', join(runDir, 'local-stack.json'));
}

describe('README, "Try it locally: a 5xx into the DLQ and back"', () => {
  it('every command works as written: the 503 create reaches the DLQ in seconds, is listed, dry-run, replayed and applied', async () => {
    const joined = commands.join('\n');
    for (const fixed of ['http://127.0.0.1:4010', 'http://127.0.0.1:3000', './.idp-sync/local-stack.json']) {
      expect(joined).toContain(fixed);
    }
    // `npx idp-sync dlq …` finds the local SQS on its default port; this stack's is elsewhere.
    const env = {
      ...childEnv({ IDP_SYNC_RUN_DIR: runDir }),
      SQS_ENDPOINT: urls.sqs,
      IDP_SYNC_RECEIVE_WAIT_SECONDS: '0',
    };
    const assignments: string[] = [];
    const outputs: string[] = [];
    let listedBefore = false;
    const run = async (command: string) => {
      const script = ['set -euo pipefail', ...assignments, here(command)].join('\n');
      const { stdout, stderr } = await exec('bash', ['-c', script], { cwd: REPO_ROOT, env });
      expect(stdout + stderr).not.toContain(scimToken);
      return stdout + stderr;
    };

    for (const command of commands.slice(1)) {
      if (/^\w+=\$\(/.test(command)) {
        await run(command);
        assignments.push(here(command));
        continue;
      }
      let output: string;
      if (/^npx idp-sync dlq list\b/.test(command) && !listedBefore) {
        listedBefore = true;
        // "within seconds (again if still empty)": the worker retries the 503 three times, then dead-letters it.
        output = await waitFor(async () => {
          const text = await run(command);
          return /ServerError/.test(text) ? text : undefined;
        }, 30_000);
      } else if (/_emulator\/users\?email=/.test(command)) {
        // "a moment later": the replayed create is applied by the worker.
        output = await waitFor(async () => {
          const text = await run(command);
          return text.trim() === 'INVITED' ? text : undefined;
        }, 30_000);
      } else {
        output = await run(command);
      }
      outputs.push(output);
    }

    const [faultSet, scimCreate, listed, faultCleared, dryRun, replayed, status, listedAfter] = outputs;
    expect(outputs).toHaveLength(8);
    expect(JSON.parse(faultSet ?? '{}')).toMatchObject({ faults: { rates: { '503': 1 } } });
    expect(scimCreate?.trim()).toBe('201');
    expect(listed).toMatch(/create .*t\*\*\*@example\.com.*ServerError.*503/);
    expect(listed).not.toContain('try.it@example.com');
    expect(faultCleared?.trim()).toBe('');
    expect(dryRun).toMatch(/Dry run, nothing was changed: 1 message\(s\) would move to the work queue, 0 would stay/);
    expect(replayed).toMatch(/Replay finished: 1 moved, 0 failed/);
    expect(status?.trim()).toBe('INVITED');
    expect(listedAfter).toMatch(/The DLQ is empty/);
  }, 120_000);
});
