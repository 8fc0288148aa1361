import { PassThrough, Writable } from 'node:stream';
import { runCli } from '@idp-sync/cli';
import { describe, expect, it, vi } from 'vitest';

// Records whether anything imported the local stack: its factory only runs on the first import.
const loaded = vi.hoisted(() => ({ localStack: false }));
vi.mock('@idp-sync/local-stack', async (importOriginal) => {
  loaded.localStack = true;
  return importOriginal();
});

function io() {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const stderr = new Writable({ write: (_chunk, _enc, cb) => cb() });
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, out: () => out };
}

describe('the local stack is loaded by `start` and `demo` only, when they run', () => {
  it.each([
    [['--help']],
    [['dlq', '--help']],
    [['dlq', 'list', '--help']],
    [['start', '--help']],
    [['demo', '--help']],
  ])('%j does not import @idp-sync/local-stack', async (argv) => {
    const c = io();
    expect(await runCli(argv, c.io)).toBe(0);
    expect(c.out()).toMatch(/Usage: idp-sync/);
    expect(loaded.localStack).toBe(false);
  });

  it('a bad dlq invocation does not import it either', async () => {
    expect(await runCli(['dlq', 'list', '--status', 'teapot'], io().io)).toBe(2);
    expect(loaded.localStack).toBe(false);
  });

  it('`start` imports it when it runs (a bad setting fails with one line, before binding anything)', async () => {
    const c = io();
    const code = runCli(['start', '--quiet'], { ...c.io, env: { PORT: 'not-a-port' } });
    await expect(code).resolves.toBe(1);
    expect(loaded.localStack).toBe(true);
  });
});
