import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_SQS_ENDPOINT } from '@idp-sync/local-stack/defaults';
import type { CliConfig } from '../config';
import { QueueResolutionError, UsageError } from '../errors';

/** The CloudFormation output keys the deployed stack publishes its queues under. */
export const STACK_OUTPUT_QUEUE_URL = 'QueueUrl';
export const STACK_OUTPUT_DLQ_URL = 'DlqUrl';

/** Where the queues come from, as typed on the command line. */
export interface QueueFlags {
  queueUrl?: string;
  dlqUrl?: string;
  stack?: string;
  region?: string;
  endpointUrl?: string;
}

/** The queues a command works on, and a client that can reach them. */
export interface ResolvedQueues {
  client: SQSClient;
  dlqUrl: string;
  /** The work queue; resolved only when the command needs it (replay). */
  queueUrl: string | undefined;
  /** For messages: "local stack at http://127.0.0.1:4566", "stack idp-sync (eu-west-1)", … */
  where: string;
  /** The SQS endpoint when not the AWS default. */
  endpoint: string | undefined;
}

/** The part of a CloudFormation client this module uses (a test passes a fake). */
export interface StackOutputsReader {
  send(command: DescribeStacksCommand): Promise<{ Stacks?: Array<{ Outputs?: Output[]; StackStatus?: string }> }>;
}

export interface ResolveOptions {
  /** Resolve the work queue too (replay). */
  needQueue: boolean;
  /** Builds the CloudFormation client for `--stack` (tests inject a fake). */
  cloudFormation?: (region: string | undefined) => StackOutputsReader;
}

/**
 * Resolves the queues, in this order: `--queue-url`/`--dlq-url`; else `--stack NAME` (its `QueueUrl` and `DlqUrl`
 * outputs, region from `--region` or the usual AWS settings); else the local stack (`SQS_ENDPOINT`, default
 * http://127.0.0.1:4566, queues looked up by name with GetQueueUrl).
 *
 * @example
 * const { client, dlqUrl, queueUrl } = await resolveQueues(flags, config, { needQueue: true });
 */
export async function resolveQueues(
  flags: QueueFlags,
  config: CliConfig,
  options: ResolveOptions,
): Promise<ResolvedQueues> {
  const region = flags.region ?? config.AWS_REGION ?? config.AWS_DEFAULT_REGION;
  if (flags.stack !== undefined && (flags.queueUrl !== undefined || flags.dlqUrl !== undefined)) {
    throw new UsageError('--stack and --queue-url/--dlq-url both name the queues', 'pass one or the other');
  }

  if (flags.queueUrl !== undefined || flags.dlqUrl !== undefined) {
    if (flags.dlqUrl === undefined) {
      throw new UsageError('--queue-url was given without --dlq-url', 'pass --dlq-url too (or --stack NAME)');
    }
    if (options.needQueue && flags.queueUrl === undefined) {
      throw new UsageError(
        'replay needs the work queue the messages go back to',
        'pass --queue-url too (or --stack NAME)',
      );
    }
    for (const [flag, url] of [
      ['--dlq-url', flags.dlqUrl],
      ['--queue-url', flags.queueUrl],
    ] as const) {
      // Not `URL.canParse`: a stand-in's queue URL such as http://sqs.us-east-1.127.0.0.1:4566/… is no WHATWG URL
      // (a host ending in a number must be an IPv4 address), yet SQS takes it as the queue's name.
      if (url !== undefined && !/^https?:\/\/\S+\/\S+$/.test(url)) {
        throw new UsageError(`${flag} "${url}" is not a URL`, 'pass the queue URL exactly as SQS returns it');
      }
    }
    const endpoint = flags.endpointUrl ?? config.SQS_ENDPOINT;
    return {
      client: createSqsClient({ endpoint, region: region ?? regionOfQueueUrl(flags.dlqUrl) }),
      dlqUrl: flags.dlqUrl,
      queueUrl: flags.queueUrl,
      where: endpoint ? `the given queues at ${endpoint}` : 'the given queues',
      endpoint,
    };
  }

  if (flags.stack !== undefined) {
    const outputs = await stackOutputs(flags.stack, region, options);
    const dlqUrl = pickOutput(outputs, STACK_OUTPUT_DLQ_URL, (k) => /dlqurl/i.test(k));
    const queueUrl = pickOutput(outputs, STACK_OUTPUT_QUEUE_URL, (k) => /queueurl/i.test(k) && !/dlq/i.test(k));
    if (!dlqUrl || (options.needQueue && !queueUrl)) {
      const missing = !dlqUrl ? STACK_OUTPUT_DLQ_URL : STACK_OUTPUT_QUEUE_URL;
      throw new QueueResolutionError(
        `stack "${flags.stack}" has no output ${missing}`,
        'deploy the current infra (it outputs QueueUrl and DlqUrl), or pass --queue-url and --dlq-url',
      );
    }
    const endpoint = flags.endpointUrl;
    return {
      client: createSqsClient({ endpoint, region: region ?? regionOfQueueUrl(dlqUrl) }),
      dlqUrl,
      queueUrl,
      where: `stack ${flags.stack}${region ? ` (${region})` : ''}`,
      endpoint,
    };
  }

  const endpoint = flags.endpointUrl ?? config.SQS_ENDPOINT ?? DEFAULT_SQS_ENDPOINT;
  const client = createSqsClient({ endpoint, region });
  const where = `the local stack at ${endpoint}`;
  // fauxqs scopes queues by the region the request is signed for: use the same rule as the SDK, then us-east-1
  // (startLocalSqs's default).
  const localRegion = await client.config.region();
  const dlqUrl = await queueUrlByName(client, config.IDP_SYNC_DLQ_NAME, where, localRegion);
  const queueUrl = options.needQueue
    ? await queueUrlByName(client, config.IDP_SYNC_QUEUE_NAME, where, localRegion)
    : undefined;
  return { client, dlqUrl, queueUrl, where, endpoint };
}

/**
 * An SQS client for an endpoint. A loopback endpoint (the local stack, LocalStack) gets static dummy credentials
 * and a default region, so no real credential is ever looked up or sent to it.
 *
 * @example
 * const client = createSqsClient({ endpoint: 'http://127.0.0.1:4566' });
 */
export function createSqsClient(options: { endpoint?: string; region?: string }): SQSClient {
  const local = options.endpoint !== undefined && isLoopback(options.endpoint);
  return new SQSClient({
    endpoint: options.endpoint,
    region: options.region ?? (local ? 'us-east-1' : undefined),
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: local ? 2 : 5,
  });
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** `https://sqs.eu-west-1.amazonaws.com/123/q` → `eu-west-1`, so a bare queue URL is enough to reach AWS. */
function regionOfQueueUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

async function queueUrlByName(client: SQSClient, name: string, where: string, region: string): Promise<string> {
  try {
    const out = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (out.QueueUrl) return out.QueueUrl;
  } catch (error) {
    if (!isQueueMissing(error)) throw error;
  }
  throw new QueueResolutionError(
    `there is no queue named ${name} on ${where} (region ${region})`,
    'start the local stack (npm start), pass --region if it runs in another region, or point at AWS with --stack NAME or --queue-url/--dlq-url',
  );
}

/** SQS's "no such queue" error, in its JSON and its legacy query-protocol spelling. */
export function isQueueMissing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'QueueDoesNotExist' || /NonExistentQueue|QueueDoesNotExist/.test(`${error.name} ${error.message}`)
  );
}

/**
 * The outputs of a deployed stack (`--stack`), or a message that says to check the name and region.
 *
 * @example
 * const outputs = await stackOutputs('idp-sync', 'eu-west-1', { cloudFormation: ctx.cloudFormation });
 */
export async function stackOutputs(
  stack: string,
  region: string | undefined,
  options: Pick<ResolveOptions, 'cloudFormation'>,
): Promise<Output[]> {
  return (await describeStack(stack, region, options)).outputs;
}

/**
 * A deployed stack's status (`CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, …) and outputs, or a message that says to
 * check the name and region.
 *
 * @example
 * const { status, outputs } = await describeStack('idp-sync', 'eu-west-1', { cloudFormation: ctx.cloudFormation });
 */
export async function describeStack(
  stack: string,
  region: string | undefined,
  options: Pick<ResolveOptions, 'cloudFormation'>,
): Promise<{ status: string | undefined; outputs: Output[] }> {
  const cfn = options.cloudFormation?.(region) ?? new CloudFormationClient({ region });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const found = out.Stacks?.[0];
    return { status: found?.StackStatus, outputs: found?.Outputs ?? [] };
  } catch (error) {
    if (error instanceof Error && /does not exist/i.test(error.message)) {
      throw new QueueResolutionError(
        `stack "${stack}" was not found${region ? ` in ${region}` : ''}`,
        'check --stack and the region (--region or AWS_REGION / AWS_PROFILE)',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The exact output key, else the only key that looks like it (CDK appends a hash to outputs inside constructs).
 *
 * @example
 * pickOutput(outputs, 'DlqUrl', (key) => /dlqurl/i.test(key))
 */
export function pickOutput(outputs: Output[], key: string, looksLike: (key: string) => boolean): string | undefined {
  const exact = outputs.find((o) => o.OutputKey === key)?.OutputValue;
  if (exact) return exact;
  const candidates = outputs.filter((o) => o.OutputKey && looksLike(o.OutputKey) && o.OutputValue);
  return candidates.length === 1 ? candidates[0]!.OutputValue : undefined;
}
