import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '@idp-sync/cli';

/** A writable that remembers what was written, synchronously; `isTTY` as asked. */
function capture(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

export interface CapturedIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  /** Types a line into stdin (for the confirmation prompt). */
  type: (line: string) => void;
}

/** Streams for an in-process run: stdout/stderr captured, stdin a (fake) terminal or not. */
export function captureIo(
  env: NodeJS.ProcessEnv,
  options: { stdinIsTTY?: boolean; signal?: AbortSignal } = {},
): CapturedIo {
  const out = capture(false);
  const err = capture(false);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = options.stdinIsTTY ?? false;
  return {
    io: { stdout: out.stream, stderr: err.stream, stdin, env, signal: options.signal },
    stdout: out.text,
    stderr: err.text,
    type: (line) => stdin.write(`${line}\n`),
  };
}
