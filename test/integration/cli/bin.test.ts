import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPipelineQueues } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCommand, putDlqMessages } from './dlq-messages';
import { type CliHarness, startHarness } from './harness';

const BIN = fileURLToPath(new URL('../../../packages/cli/bin/idp-sync.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let h: CliHarness;
beforeAll(async () => {
  h = await startHarness();
  const { dlqUrl } = await createPipelineQueues(h.client);
  await putDlqMessages(h.client, dlqUrl, [{ command: makeCommand({ email: 'zoe@example.com' }), httpStatus: 409 }]);
});
afterAll(async () => {
  await h.stop();
});

describe('the idp-sync bin (a child process)', () => {
  it("lists the local stack's DLQ and exits 0", async () => {
    const result = await run(['dlq', 'list', '--json'], h.env);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ person: string; httpStatus: number }>;
    expect(rows).toEqual([expect.objectContaining({ person: 'z***@example.com', httpStatus: 409 })]);
  });

  it('exits 2 on bad usage', async () => {
    const result = await run(['dlq', 'list', '--nope'], h.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--nope'/);
  });
});
