import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { call } from './http';

/** The emulator's command line, as `npm run emulator` runs it. */
const CLI = createRequire(import.meta.url).resolve('@idp-sync/users-api-emulator/cli');

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (let i = 0; i < 200; i += 1) {
    const m = output().match(pattern);
    if (m) return m;
    if (done) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${pattern} in CLI output:\n${output()}`);
}

describe('npm run emulator (the command line)', () => {
  it('prints its URL and API key, serves, logs requests without query strings, stops cleanly on SIGTERM', async () => {
    const { child, output, exited } = run(['--port', '0', '--api-key', 'cli-test-admin-key', '--seed', '2']);
    try {
      const [, url] = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/, exited);
      // The banner arrives in more than one chunk under load: wait for its last line before reading the rest.
      await waitFor(output, /export ARIZE_BASE_URL=/, exited);
      expect(output()).toContain('API key: cli-test-admin-key');
      expect(output()).toContain(`export ARIZE_BASE_URL=${url}`);
      const r = await call(url!, 'cli-test-admin-key', 'GET', '/v2/users?email=user1%40example.com');
      expect(r.status).toBe(200);
      expect(r.body.users).toHaveLength(1);
      await waitFor(output, /GET \/v2\/users → 200/, exited);
      expect(output()).not.toContain('user1@example.com');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output()).toContain('stopped.');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--help prints usage; a bad argument exits 2 with the reason', async () => {
    const help = run(['--help']);
    const bad = run(['--port', 'eighty']);
    const [helpCode, badCode] = await Promise.all([help.exited, bad.exited]);
    expect(helpCode).toBe(0);
    expect(help.output()).toContain('Usage: npm run emulator -- [options]');
    expect(badCode).toBe(2);
    expect(bad.output()).toContain('--port must be a number');
  });
});
