import { DEFAULT_SQS_ENDPOINT } from '@idp-sync/local-stack/defaults';
import { isQueueMissing } from './dlq/queues';
import { ReplayAbortedError } from './dlq/replay';
import { CliError, EXIT_ERROR } from './errors';

/** What the CLI prints for an error, and the exit code. */
export interface ErrorReport {
  message: string;
  hint: string;
  exitCode: number;
}

/** What the failing command was talking to, to make the message concrete. */
export interface ErrorContext {
  /** e.g. "the local stack at http://127.0.0.1:4566". */
  where?: string;
  /** True when the queues come from the local-stack defaults. */
  local?: boolean;
}

/**
 * Turns any error into a message and a hint that says what to do (an on-call engineer at 3 a.m. should not have to
 * decode an SDK stack trace).
 *
 * @example
 * const { message, hint, exitCode } = describeError(error, { where: 'stack idp-sync' });
 */
export function describeError(error: unknown, context: ErrorContext = {}): ErrorReport {
  if (error instanceof CliError) {
    return { message: error.message, hint: error.hint ?? 'see --help', exitCode: error.exitCode };
  }
  if (error instanceof ReplayAbortedError) {
    const inner = describeError(error.cause, context);
    const { moved, skipped, failed } = error.progress;
    const tail =
      error.leftInDlqAfterSend > 0
        ? ` ${error.leftInDlqAfterSend} message(s) were sent but are still in the DLQ: replaying them again is safe (idempotent).`
        : '';
    return {
      message: `replay stopped: ${inner.message} (so far: ${moved} moved, ${skipped} skipped, ${failed} failed)`,
      hint: `${inner.hint} Then run the same command again: it continues with what is left.${tail}`,
      exitCode: EXIT_ERROR,
    };
  }
  const where = context.where ?? 'SQS';
  const name = error instanceof Error ? error.name : '';
  const text = error instanceof Error ? error.message : String(error);
  const code = networkCode(error);
  if (code) {
    return {
      message: `cannot reach ${where} (${code})`,
      hint: context.local
        ? 'start the local stack (npm start), or set SQS_ENDPOINT to where it listens, or use --stack NAME for AWS'
        : 'check the network, the endpoint (--endpoint-url, SQS_ENDPOINT) and the region',
      exitCode: EXIT_ERROR,
    };
  }
  if (isQueueMissing(error)) {
    return {
      message: `a queue does not exist on ${where}: ${text}`,
      hint: 'check --dlq-url/--queue-url or --stack (and the region)',
      exitCode: EXIT_ERROR,
    };
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(text)) {
    return {
      message: 'no AWS credentials were found',
      hint: 'log in (aws sso login, or set AWS_PROFILE), or drop --stack/--queue-url to use the local stack',
      exitCode: EXIT_ERROR,
    };
  }
  if (/region is missing/i.test(text)) {
    return { message: 'no AWS region is set', hint: 'pass --region or set AWS_REGION', exitCode: EXIT_ERROR };
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${text}`)) {
    return {
      message: `access denied on ${where}: ${text}`,
      hint: 'use a role allowed sqs:ReceiveMessage, SendMessage, DeleteMessage, ChangeMessageVisibility and GetQueueAttributes on both queues (and cloudformation:DescribeStacks for --stack)',
      exitCode: EXIT_ERROR,
    };
  }
  if (/InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient/i.test(`${name} ${text}`)) {
    return {
      message: `the AWS credentials were refused: ${text}`,
      hint: 'refresh them (aws sso login) and check AWS_PROFILE',
      exitCode: EXIT_ERROR,
    };
  }
  // The SDK found no SQS error in the answer (`Unknown`), or could not parse the answer at all (a deserialization error
  // carrying the raw `$response`, e.g. an HTML page).
  const notSqs =
    name === 'Unknown' ||
    text === 'UnknownError' ||
    (error instanceof Error && '$response' in error && /Deserialization error/.test(text));
  if (notSqs) {
    // The SDK could not read an SQS error from the answer: something else listens there (the ingest server, the
    // Users API emulator, a proxy), typically a port mix-up.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return {
      message: `${where} does not answer like SQS${status ? ` (HTTP ${status}, no SQS error in the body)` : ' (its answer is not an SQS response)'}`,
      hint: context.local
        ? `point SQS_ENDPOINT at the local stack's SQS (the SQS URL its banner prints; ${DEFAULT_SQS_ENDPOINT} by default), not the ingest or Users API port`
        : 'check the endpoint (--endpoint-url, SQS_ENDPOINT) and the queue URLs: they must be SQS’s',
      exitCode: EXIT_ERROR,
    };
  }
  return {
    message: `unexpected error from ${where}: ${name ? `${name}: ` : ''}${text}`,
    hint: 'run the command again; if it fails the same way, report it with this message',
    exitCode: EXIT_ERROR,
  };
}

function networkCode(error: unknown): string | undefined {
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const record = current as { code?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof record.code === 'string' && codes.includes(record.code)) return record.code;
    // AggregateError (happy eyeballs tries several addresses) keeps the real codes in `errors`.
    for (const inner of Array.isArray(record.errors) ? record.errors : []) {
      const c = (inner as { code?: unknown }).code;
      if (typeof c === 'string' && codes.includes(c)) return c;
    }
    current = record.cause;
  }
  return undefined;
}
