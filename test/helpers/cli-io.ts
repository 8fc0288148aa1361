import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '@idp-sync/cli';

/** A writable that remembers what was written, synchronously; `isTTY` as asked. */
function capture(isTTY: boolean, columns?: number) {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  if (columns !== undefined) stream.columns = columns;
  return { stream, text: () => text };
}

export interface CapturedIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  /** Types a line into stdin (for the confirmation prompt). */
  type: (line: string) => void;
}

let runs = 0;

/**
 * Streams for an in-process run: stdout/stderr captured, stdin a (fake) terminal or not. Unless the test sets
 * `IDP_SYNC_RUN_DIR`, it gets a directory of its own (not created) for the stack file, so that a stack a developer
 * runs in the repository (its `.idp-sync/local-stack.json`) never leaks into a test.
 */
export function captureIo(
  env: NodeJS.ProcessEnv,
  options: { stdinIsTTY?: boolean; signal?: AbortSignal; stdoutColumns?: number; stderrColumns?: number } = {},
): CapturedIo {
  // A width makes the stream a (fake) terminal of that many columns; without one it is a pipe.
  const out = capture(options.stdoutColumns !== undefined, options.stdoutColumns);
  const err = capture(options.stderrColumns !== undefined, options.stderrColumns);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = options.stdinIsTTY ?? false;
  return {
    io: {
      stdout: out.stream,
      stderr: err.stream,
      stdin,
      env: { IDP_SYNC_RUN_DIR: join(tmpdir(), `idp-sync-test-io-${process.pid}-${++runs}`), ...env },
      signal: options.signal,
    },
    stdout: out.text,
    stderr: err.text,
    type: (line) => stdin.write(`${line}\n`),
  };
}
