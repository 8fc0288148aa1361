import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type LocalStack,
  type LocalStackOptions,
  type SignedRequest,
  send,
  startLocalStack,
} from '@idp-sync/local-stack';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'idp-sync.js');

/**
 * A stack for tests: free ports, quiet handlers, short receive waits and visibility timeouts so a retry comes back in
 * about a second.
 */
export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    logLevel: 'SILENT',
    receiveWaitSeconds: 1,
    workerTimeoutSeconds: 5,
    visibilityTimeoutSeconds: 2,
    ...options,
    handlerEnv: {
      VISIBILITY_BASE_SECONDS: '1',
      VISIBILITY_MAX_SECONDS: '2',
      // The deletion guard stays on (as in AWS) with a limit these tests, which share one stack, never reach.
      DELETION_GUARD_FLOOR: '100000',
      ...options.handlerEnv,
    },
  });
}

/** Sends a request and returns its status and body as JSON (or text). */
export async function deliver(request: SignedRequest | undefined): Promise<{ status: number; body: unknown }> {
  if (!request) throw new Error('no request was built');
  const response = await send(request);
  let body: unknown = response.body;
  try {
    body = JSON.parse(response.body);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body };
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A loopback server holding a port, to make a start fail with "already in use". */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A child process running the CLI (or `npm start`), with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the line once stdout has a line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let runDirs = 0;

/**
 * A directory of its own for the stack file (`IDP_SYNC_RUN_DIR`), not yet created: `idp-sync start` creates it
 * (0700) and removes it when it stops. Tests never share the repository's `.idp-sync/` with a developer's stack.
 */
export function testRunDir(): string {
  runDirs++;
  return join(tmpdir(), `idp-sync-test-${process.pid}-${Date.now().toString(36)}-${runDirs}`);
}

/**
 * Environment for a child stack: free ports everywhere unless set, no AWS credentials from the machine, and a stack
 * file directory of its own (pass the same `IDP_SYNC_RUN_DIR` to a demo or doctor that should find that stack).
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(AWS_|ARIZE_|SQS_|DYNAMODB_|QUEUE_URL|DLQ_URL|OKTA_|SCIM_|HR_|WORKOS_|BAMBOOHR_|USERS_API_)/.test(name)) {
      delete env[name];
    }
  }
  return {
    ...env,
    PORT: '0',
    USERS_API_EMULATOR_PORT: '0',
    SQS_PORT: '0',
    DYNAMODB_PORT: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    IDP_SYNC_RUN_DIR: testRunDir(),
    ...extra,
  };
}

/**
 * Spawns `command args` in the repository root and collects its output.
 *
 * @example
 * const cli = spawnCli('node', [CLI_BIN, 'start'], childEnv());
 * await cli.waitForLine(/^ready$/);
 */
export function spawnCli(command: string, args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            cleanup();
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`the process ended before printing ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The ingest URL a started child printed in its banner. */
export function bannerUrl(stdout: string, label: string): string {
  const line = stdout.split('\n').find((l) => l.trimStart().startsWith(label));
  const url = line?.match(/https?:\/\/[^\s)]+/)?.[0];
  if (!url) throw new Error(`no "${label}" URL in the banner:\n${stdout}`);
  return url;
}
