import {
  type LocalStack,
  LocalStackError,
  loadLocalStackConfig,
  renderBanner,
  STACK_SECRET_ENV,
  STACK_SECRET_NAMES,
  startLocalStack,
} from '@idp-sync/local-stack';
import type { CommandContext } from '../../context';
import { CliError } from '../../errors';
import type { OutputStream } from '../../io';
import {
  displayPath,
  type LocalStackFile,
  localStackFilePath,
  removeLocalStackFile,
  writeLocalStackFile,
} from '../../local-stack-file';
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

/** What `.idp-sync/local-stack.json` holds for this stack: where it listens, and its secrets. */
function stackFileContent(stack: LocalStack): LocalStackFile {
  const secrets: Record<string, string> = {};
  for (const name of STACK_SECRET_NAMES) secrets[STACK_SECRET_ENV[name]] = stack.secrets[name];
  // The emulator's key is the stack's own; a real Users API key (ARIZE_API_KEY) is never written to disk.
  if (stack.embedded.usersApi) secrets.USERS_API_EMULATOR_KEY = stack.usersApiKey;
  return {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    urls: {
      ingest: stack.urls.ingest,
      usersApi: stack.urls.usersApi,
      sqs: stack.urls.sqs,
      dynamoDb: stack.urls.dynamoDb,
    },
    usersApiEmulator: stack.embedded.usersApi,
    queueName: stack.queues.queueName,
    dlqName: stack.queues.dlqName,
    stateTableName: stack.stateTableName,
    oktaAuthHeader: stack.settings.oktaAuthHeader,
    secrets,
  };
}

/**
 * Writes the stack file and arranges its removal however the process ends (but SIGKILL: readers check the writer
 * still runs). Returns a line for the console: where it is, or why there is none (the stack runs on without it).
 */
function publishStackFile(stack: LocalStack, env: NodeJS.ProcessEnv): { line: string; remove: () => void } {
  const path = localStackFilePath(env);
  const shown = displayPath(path);
  const remove = () => {
    removeLocalStackFile(path, process.pid);
  };
  try {
    writeLocalStackFile(path, stackFileContent(stack));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error);
    return {
      line: `note: could not write ${shown} (${reason}): in another terminal, paste the export lines above before npm run demo or idp-sync doctor (or set IDP_SYNC_RUN_DIR to a writable directory)`,
      remove: () => undefined,
    };
  }
  // A second Ctrl-C or SIGTERM exits at once (process.exit): the 'exit' event still runs.
  process.once('exit', remove);
  return {
    line: `Stack file: ${shown} (mode 600; removed when this stack stops) — \`npm run demo\` and \`npx idp-sync doctor\` run from this directory read this stack's ports and secrets there: nothing to paste.`,
    remove: () => {
      process.off('exit', remove);
      remove();
    },
  };
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
  const stackFile = publishStackFile(stack, io.env);
  safeWrite(io.stdout, renderBanner(stack));
  safeWrite(io.stdout, `${stackFile.line}\n\n`);
  safeWrite(io.stdout, 'ready\n');
  live = true;

  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onTerm);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    const onTerm = () => done();
    process.once('SIGTERM', onTerm);
    // The terminal was closed: stop as on Ctrl-C (and remove the stack file) rather than die where it stands.
    process.once('SIGHUP', onTerm);
    if (io.signal?.aborted) done();
    else io.signal?.addEventListener('abort', done, { once: true });
  });

  // A second SIGTERM while draining quits at once (the bin already does this for a second Ctrl-C).
  const force = () => process.exit(143);
  process.once('SIGTERM', force);
  // The file goes first: a demo started now would find a stack that no longer takes requests.
  stackFile.remove();
  safeWrite(io.stdout, 'stopping: no new requests; letting in-flight batches finish…\n');
  try {
    await stack.stop();
  } finally {
    process.off('SIGTERM', force);
  }
  safeWrite(io.stdout, 'stopped\n');
}
