import {
  type LocalStack,
  LocalStackError,
  loadLocalStackConfig,
  renderBanner,
  startLocalStack,
} from '@idp-sync/local-stack';
import type { CommandContext } from '../../context';
import { CliError } from '../../errors';
import type { OutputStream } from '../../io';
import { describeStackEvent } from './stack-events';

/**
 * A start-up failure, already printed as one line. In the real process `start` exits 1 right after printing it;
 * in-process (tests) it surfaces as this error.
 */
export class StartFailedError extends CliError {}

export interface StartCommandOptions {
  quiet?: boolean;
}

/** The one line printed for a failed start, and how the command ends. */
function fail(error: unknown): never {
  const line =
    error instanceof LocalStackError
      ? error.line()
      : `unexpected error while starting: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)} — run npm start again; if it fails the same way, report it`;
  throw new StartFailedError(line, 'see the line above');
}

function safeWrite(stream: OutputStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // A closed stdout (a pipe whose reader went away) must not take the stack down.
  }
}

/**
 * Runs the local stack until SIGINT/SIGTERM (or `io.signal`): prints the banner, then `ready` once every part answers;
 * on a signal stops taking requests, lets in-flight batches finish, and returns.
 *
 * @example
 * await runStart(ctx, { quiet: true });
 */
export async function runStart(ctx: CommandContext, options: StartCommandOptions = {}): Promise<void> {
  const { io } = ctx;
  // The SDK's notice that it will drop Node 20 in 2027 would bury the one-line error; the project supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Request and batch lines start after `ready` (the readiness probe is not news).
  let live = false;
  let stack: LocalStack;
  try {
    const config = loadLocalStackConfig(io.env);
    const logLevel = io.env.POWERTOOLS_LOG_LEVEL?.trim() ? undefined : ('WARN' as const);
    stack = await startLocalStack({
      ...config,
      ...(logLevel ? { logLevel } : {}),
      ...(options.quiet ? {} : { onEvent: (event) => live && safeWrite(io.stdout, `${describeStackEvent(event)}\n`) }),
    });
  } catch (error) {
    fail(error);
  }
  try {
    await stack.checkReady();
  } catch (error) {
    await stack.stop().catch(() => undefined);
    fail(error);
  }
  safeWrite(io.stdout, renderBanner(stack));
  safeWrite(io.stdout, 'ready\n');
  live = true;

  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGTERM', onTerm);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    const onTerm = () => done();
    process.once('SIGTERM', onTerm);
    if (io.signal?.aborted) done();
    else io.signal?.addEventListener('abort', done, { once: true });
  });

  // A second SIGTERM while draining quits at once (the bin already does this for a second Ctrl-C).
  const force = () => process.exit(143);
  process.once('SIGTERM', force);
  safeWrite(io.stdout, 'stopping: no new requests; letting in-flight batches finish…\n');
  try {
    await stack.stop();
  } finally {
    process.off('SIGTERM', force);
  }
  safeWrite(io.stdout, 'stopped\n');
}
