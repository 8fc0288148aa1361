import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createPipelineQueues } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCommand, putDlqMessages } from './dlq-messages';
import { type CliHarness, freshQueues, startHarness } from './harness';

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

async function queueAttributes(queueUrl: string) {
  const out = await h.client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return out.Attributes ?? {};
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

  it('a reader that stops early (| head) is not an error: no EPIPE crash, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'dlq', 'list', '--help'], {
      env: { ...process.env, ...h.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Close our end before the help is written, as `head -c 0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('exits 2 on bad usage', async () => {
    const result = await run(['dlq', 'list', '--nope'], h.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--nope'/);
  });

  it('prints no AWS SDK Node-version warning, even when the variable is not set (help, and a list that fails)', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined };
    const help = await run(['dlq', '--help'], env);
    expect(help.code).toBe(0);
    const list = await run(['dlq', 'list'], { ...env, SQS_ENDPOINT: `http://127.0.0.1:${closed}` });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/cannot reach/);
    for (const out of [help.stderr, list.stderr]) expect(out).not.toMatch(/NodeVersionSupportWarning|node >=22/);
  });

  it('Ctrl-C stops a replay after the messages in flight and exits 130, as npx reports it', async () => {
    const q = await freshQueues(h);
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      Array.from({ length: 20 }, (_, i) => ({ command: makeCommand({ email: `c${i}@example.com` }) })),
    );
    const child = spawn(process.execPath, [BIN, 'dlq', 'replay', '--rate', '1', '--yes', ...q.flags], {
      env: { ...process.env, ...h.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Interrupt once the replay is under way: its first message reached the work queue.
    while (Number((await queueAttributes(q.queueUrl)).ApproximateNumberOfMessages) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/^Stopping after the messages in flight \(Ctrl-C again to quit at once\)…$/m);
    expect(stderr).toMatch(/what to do: run the same command again/);
  });
});
