import type { Readable, Writable } from 'node:stream';

/** A writable stream as the CLI uses it: `isTTY` decides between a progress bar and plain lines. */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

/** A readable stream as the CLI uses it: `isTTY` decides whether it may ask for confirmation. */
export type InputStream = Readable & { isTTY?: boolean };

/**
 * Everything the CLI touches outside itself, so that it runs in-process in tests exactly as from a terminal.
 *
 * @example
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: NodeJS.ProcessEnv;
  /** Aborted to stop a replay after the message in flight (the bin wires Ctrl-C to it). */
  signal?: AbortSignal;
}

/**
 * Writes one line (a trailing newline is added).
 *
 * @example
 * writeLine(io.stderr, 'Reading the DLQ…');
 */
export function writeLine(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}
