import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_STATE_TABLE_NAME } from '@idp-sync/contracts';
import { DEFAULT_DLQ_NAME, DEFAULT_HOST, DEFAULT_PORTS, DEFAULT_QUEUE_NAME } from '@idp-sync/local-stack/defaults';
import type { CommandContext } from '../context';
import { createDynamoDbClient } from '../deletes/store';
import { createSqsClient, describeStack, pickOutput } from '../dlq/queues';
import { UsageError } from '../errors';
import { useLocalStackFile } from '../local-stack-file';
import { LOCAL_SECRET_ENV, type SecretKind, STACK_SECRET_NAMES } from './secret-format';
import { type CheckResult, DOCTOR_SOURCES, type DoctorSource, fail, ok, skip } from './types';

/** The flags that say where the deployment is. */
export interface DoctorFlags {
  stack?: string;
  region?: string;
  apiUrl?: string;
  usersApiUrl?: string;
  endpointUrl?: string;
  dynamodbEndpoint?: string;
  resourcePrefix?: string;
  oktaAuthHeader?: string;
}

/** A secret as read: its value, or why there is none (never the value in a message). */
export type SecretRead =
  | {
      readonly state: 'value';
      /** `OKTA_AUTH_SECRET`, `secret idp-sync/okta-auth`. */
      readonly where: string;
      readonly value: string;
      /** Read from Secrets Manager (so CDK may have generated it). */
      readonly fromStack: boolean;
      /** How many versions carry a staging label (1: never changed since the deploy); undefined if unknown. */
      readonly versions?: number | undefined;
    }
  | { readonly state: 'missing'; readonly where: string }
  | { readonly state: 'error'; readonly where: string; readonly detail: string; readonly hint: string };

/** A queue: its URL when known (a stack's output), else its name to look up (the local stack). */
export interface QueueRef {
  readonly url?: string | undefined;
  readonly name: string;
}

/** Everything the checks talk to, for the local stack or a deployed one. */
export interface DoctorTarget {
  readonly mode: 'local' | 'stack';
  /** "the local stack at http://127.0.0.1:3000", "stack idp-sync (eu-west-1)". */
  readonly where: string;
  /** The sources the deployment serves (the local stack serves all five). */
  readonly sources: readonly DoctorSource[];
  /** Results of resolving the target itself (the stack's status, missing outputs). */
  readonly preamble: readonly CheckResult[];
  /** `GET /health`. */
  readonly healthUrl: string | undefined;
  /** Each source's route: the webhook URL, for SCIM the `…/scim/v2` base. */
  readonly routes: Partial<Record<DoctorSource, string>>;
  /** The header Okta's Event Hook sends its secret in. */
  readonly oktaAuthHeader: string;
  readSecret(kind: SecretKind): Promise<SecretRead>;
  /** What to do about a secret that is missing or wrong, for this kind of target. */
  secretHint(kind: SecretKind): string;
  readonly usersApiUrl: string;
  readonly sqs: {
    readonly client: SQSClient;
    readonly where: string;
    readonly queue?: QueueRef;
    readonly dlq?: QueueRef;
  };
  readonly table: { readonly client: DynamoDBClient; readonly name?: string | undefined; readonly where: string };
  close(): void;
}

/** The Users API a deployed stack talks to unless `usersApi.baseUrl` says otherwise (infra/README.md). */
export const DEFAULT_STACK_USERS_API_URL = 'https://api.arize.com';

/** Each source's route in the stack outputs (infra/constructs/http-api.ts). */
const ROUTE_OUTPUTS: Readonly<Record<DoctorSource, string>> = {
  okta: 'OktaWebhookUrl',
  scim: 'ScimBaseUrl',
  hr: 'HrWebhookUrl',
  workos: 'WorkosWebhookUrl',
  bamboohr: 'BamboohrWebhookUrl',
};

/** Each source's path under the API's base URL (the same locally and in AWS). */
const LOCAL_ROUTES: Readonly<Record<DoctorSource, string>> = {
  okta: '/webhooks/okta',
  scim: '/scim/v2',
  hr: '/webhooks/hr',
  workos: '/webhooks/workos',
  bamboohr: '/webhooks/bamboohr',
};

const blank = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/**
 * An AWS endpoint override, as the AWS SDKs and CLI read it: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`.
 * Read from the CLI's environment explicitly so that an in-process run (tests) sees the same as a real one.
 */
function awsEndpoint(env: NodeJS.ProcessEnv, service: string): string | undefined {
  return blank(env[`AWS_ENDPOINT_URL_${service}`]) ?? blank(env.AWS_ENDPOINT_URL);
}

/** Client settings for an endpoint: a loopback one (a stand-in) gets dummy credentials, never real ones. */
function clientSettings(endpoint: string | undefined, region: string | undefined) {
  const local = isLoopback(endpoint);
  return {
    endpoint,
    region: region ?? (local ? 'us-east-1' : undefined),
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: local ? 2 : 3,
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = blank(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65_535) {
    throw new UsageError(`environment variable ${name} must be a port from 1 to 65535`, `fix or unset ${name}`);
  }
  return Number(raw);
}

function url(flag: string, value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new UsageError(`${flag} "${value}" is not an http(s) URL`, `pass a URL such as http://127.0.0.1:3000`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Where the deployment is: `--stack NAME` (CloudFormation outputs, Secrets Manager), else the local stack that
 * `npm start` runs (the ports and secrets its banner prints, from the environment).
 *
 * @example
 * const target = await resolveDoctorTarget(ctx, { stack: 'idp-sync', region: 'eu-west-1' });
 */
export async function resolveDoctorTarget(ctx: CommandContext, flags: DoctorFlags): Promise<DoctorTarget> {
  for (const [flag, value] of [
    ['--api-url', flags.apiUrl],
    ['--users-api-url', flags.usersApiUrl],
    ['--endpoint-url', flags.endpointUrl],
    ['--dynamodb-endpoint', flags.dynamodbEndpoint],
  ] as const) {
    if (value !== undefined) url(flag, value);
  }
  return flags.stack === undefined ? localTarget(ctx, flags) : stackTarget(ctx, flags, flags.stack);
}

function localTarget(ctx: CommandContext, flags: DoctorFlags): DoctorTarget {
  // The stack file `npm start` writes in its directory: what the environment lacks (ports, secrets) comes from there.
  const stackFile = useLocalStackFile(ctx.io.env);
  const env = stackFile.env;
  const fromFile = new Set(stackFile.filled);
  const host = blank(env.HOST) ?? DEFAULT_HOST;
  const apiUrl = flags.apiUrl
    ? url('--api-url', flags.apiUrl)
    : `http://${host}:${port(env, 'PORT', DEFAULT_PORTS.ingest)}`;
  const sqsEndpoint =
    flags.endpointUrl ?? blank(env.SQS_ENDPOINT) ?? `http://${host}:${port(env, 'SQS_PORT', DEFAULT_PORTS.sqs)}`;
  const dynamoEndpoint =
    flags.dynamodbEndpoint ??
    blank(env.DYNAMODB_ENDPOINT) ??
    `http://${host}:${port(env, 'DYNAMODB_PORT', DEFAULT_PORTS.dynamoDb)}`;
  const realUsersApi = blank(env.ARIZE_BASE_URL);
  const usersApiUrl =
    flags.usersApiUrl ??
    realUsersApi ??
    `http://${host}:${port(env, 'USERS_API_EMULATOR_PORT', DEFAULT_PORTS.emulator)}`;
  const region = flags.region ?? blank(env.AWS_REGION) ?? blank(env.AWS_DEFAULT_REGION);
  const tableName = blank(env.IDP_SYNC_STATE_TABLE) ?? DEFAULT_STATE_TABLE_NAME;
  const sqs = createSqsClient({ endpoint: sqsEndpoint, region });
  const dynamo = createDynamoDbClient({ endpoint: dynamoEndpoint, region });
  // The key the local worker uses: the emulator's, unless the stack runs against the real Users API.
  const keyVariable = realUsersApi ? 'ARIZE_API_KEY' : 'USERS_API_EMULATOR_KEY';
  return {
    mode: 'local',
    where: `the local stack at ${apiUrl}${fromFile.size > 0 ? ` (ports and secrets from ${stackFile.display})` : ''}`,
    sources: DOCTOR_SOURCES,
    preamble: stackFile.ignored ? [skip('stack-file', stackFile.ignored)] : [],
    healthUrl: `${apiUrl}/health`,
    routes: Object.fromEntries(DOCTOR_SOURCES.map((s) => [s, `${apiUrl}${LOCAL_ROUTES[s]}`])),
    oktaAuthHeader: flags.oktaAuthHeader ?? blank(env.OKTA_AUTH_HEADER) ?? 'Authorization',
    async readSecret(kind) {
      const variable = kind === 'users-api-key' ? keyVariable : LOCAL_SECRET_ENV[kind];
      const value = blank(env[variable]);
      const where = fromFile.has(variable) ? `${variable} (from ${stackFile.display})` : variable;
      return value === undefined ? { state: 'missing', where } : { state: 'value', where, value, fromStack: false };
    },
    secretHint(kind) {
      if (kind === 'users-api-key' && realUsersApi) {
        return 'export the ARIZE_API_KEY the local stack was started with (it runs against the real Users API)';
      }
      const variable = kind === 'users-api-key' ? keyVariable : LOCAL_SECRET_ENV[kind];
      return `run the doctor from the directory where npm start runs (it writes this stack's secrets to ${stackFile.display}), or export ${variable} as the banner of npm start prints it (npm start generates the secrets it is not given, anew at every start)`;
    },
    usersApiUrl,
    sqs: {
      client: sqs,
      where: `SQS at ${sqsEndpoint}`,
      queue: { name: blank(env.IDP_SYNC_QUEUE_NAME) ?? DEFAULT_QUEUE_NAME },
      dlq: { name: blank(env.IDP_SYNC_DLQ_NAME) ?? DEFAULT_DLQ_NAME },
    },
    table: { client: dynamo, name: tableName, where: `DynamoDB at ${dynamoEndpoint}` },
    close() {
      sqs.destroy();
      dynamo.destroy();
    },
  };
}

/** `https://sqs…/123/idp-sync-commands.fifo` → `idp-sync`: every physical name starts with the resource prefix. */
function prefixOfQueueUrl(queueUrl: string | undefined): string | undefined {
  return queueUrl === undefined ? undefined : /\/([^/]+)-commands\.fifo$/.exec(queueUrl)?.[1];
}

function queueNameOf(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
}

async function stackTarget(ctx: CommandContext, flags: DoctorFlags, stack: string): Promise<DoctorTarget> {
  const env = ctx.io.env;
  const region = flags.region ?? blank(env.AWS_REGION) ?? blank(env.AWS_DEFAULT_REGION);
  const cfnEndpoint = awsEndpoint(env, 'CLOUDFORMATION');
  const cloudFormation =
    ctx.cloudFormation ??
    (cfnEndpoint ? (r: string | undefined) => new CloudFormationClient(clientSettings(cfnEndpoint, r)) : undefined);
  const { status, outputs } = await describeStack(stack, region, { cloudFormation });
  const where = `stack ${stack}${region ? ` (${region})` : ''}`;
  const output = (key: string) => pickOutput(outputs, key, (k) => k.toLowerCase().startsWith(key.toLowerCase()));
  const sources = DOCTOR_SOURCES.filter((s) => output(ROUTE_OUTPUTS[s]) !== undefined);
  const queueUrl = output('QueueUrl');
  const dlqUrl = pickOutput(outputs, 'DlqUrl', (k) => /dlqurl/i.test(k));
  const tableName = output('StateTableName');
  const prefix = flags.resourcePrefix ?? prefixOfQueueUrl(queueUrl);
  const apiUrl = flags.apiUrl === undefined ? undefined : url('--api-url', flags.apiUrl);

  const preamble: CheckResult[] = [stackStatusResult(stack, status, sources)];
  const missingOutputs = ['QueueUrl', 'DlqUrl', 'StateTableName', ...(apiUrl ? [] : ['HealthUrl'])].filter(
    (key) => (key === 'DlqUrl' ? dlqUrl : output(key)) === undefined,
  );
  if (missingOutputs.length > 0) {
    preamble.push(
      fail(
        'stack:outputs',
        `stack ${stack} has no output ${missingOutputs.join(', ')}`,
        'deploy the current infra (npx cdk deploy): it outputs the URLs, queues and table the doctor checks',
      ),
    );
  }

  const sqsEndpoint = flags.endpointUrl ?? awsEndpoint(env, 'SQS');
  const dynamoEndpoint = flags.dynamodbEndpoint ?? awsEndpoint(env, 'DYNAMODB');
  const smEndpoint = awsEndpoint(env, 'SECRETS_MANAGER');
  const sqs = createSqsClient({ endpoint: sqsEndpoint, region });
  const dynamo = createDynamoDbClient({ endpoint: dynamoEndpoint, region });
  const secrets = new SecretsManagerClient(clientSettings(smEndpoint, region));
  const secretId = (kind: SecretKind) => (prefix === undefined ? undefined : `${prefix}/${STACK_SECRET_NAMES[kind]}`);

  return {
    mode: 'stack',
    where,
    sources,
    preamble,
    // --api-url: the same routes behind another base (a custom domain in front of the HTTP API).
    healthUrl: apiUrl ? `${apiUrl}/health` : output('HealthUrl'),
    routes: Object.fromEntries(
      sources.map((s) => [s, apiUrl ? `${apiUrl}${LOCAL_ROUTES[s]}` : output(ROUTE_OUTPUTS[s])]),
    ),
    oktaAuthHeader: flags.oktaAuthHeader ?? 'Authorization',
    readSecret: async (kind) => {
      const id = secretId(kind);
      if (id === undefined) {
        return {
          state: 'error',
          where: `the ${STACK_SECRET_NAMES[kind]} secret`,
          detail: `the resource prefix of stack ${stack} is unknown (its QueueUrl output does not end in <prefix>-commands.fifo)`,
          hint: 'pass --resource-prefix (the stack’s resourcePrefix setting, default idp-sync)',
        };
      }
      return readStackSecret(secrets, id);
    },
    secretHint(kind) {
      const id = secretId(kind) ?? `<prefix>/${STACK_SECRET_NAMES[kind]}`;
      return `\`aws secretsmanager put-secret-value --secret-id ${id} --secret-string file://value.txt\` (infra/README.md, "Set the secrets"); the functions pick it up within 5 minutes`;
    },
    usersApiUrl: flags.usersApiUrl ?? blank(env.ARIZE_BASE_URL) ?? DEFAULT_STACK_USERS_API_URL,
    sqs: {
      client: sqs,
      where: `SQS of ${where}${sqsEndpoint ? ` at ${sqsEndpoint}` : ''}`,
      ...(queueUrl ? { queue: { url: queueUrl, name: queueNameOf(queueUrl) } } : {}),
      ...(dlqUrl ? { dlq: { url: dlqUrl, name: queueNameOf(dlqUrl) } } : {}),
    },
    table: {
      client: dynamo,
      name: tableName,
      where: `DynamoDB of ${where}${dynamoEndpoint ? ` at ${dynamoEndpoint}` : ''}`,
    },
    close() {
      sqs.destroy();
      dynamo.destroy();
      secrets.destroy();
    },
  };
}

function stackStatusResult(stack: string, status: string | undefined, sources: readonly DoctorSource[]): CheckResult {
  const served = sources.length > 0 ? `sources ${sources.join(', ')}` : 'no source routes';
  if (status !== undefined && /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status)) {
    return ok('stack', `${stack} is ${status}; ${served}`);
  }
  if (status !== undefined && /_IN_PROGRESS$/.test(status)) {
    return fail('stack', `${stack} is ${status}`, 'wait for the deployment to finish, then run the doctor again');
  }
  return fail(
    'stack',
    `${stack} is ${status ?? 'in an unknown state'}; ${served}`,
    'read the stack events (aws cloudformation describe-stack-events) and deploy again (npx cdk deploy)',
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name} ${error.message}` : String(error);
}

/**
 * One secret from Secrets Manager: its value (GetSecretValue) and how many labelled versions it has (DescribeSecret:
 * one means it was never changed since CloudFormation created it with a generated value).
 */
async function readStackSecret(client: SecretsManagerClient, id: string): Promise<SecretRead> {
  const where = `secret ${id}`;
  try {
    const value = await client.send(new GetSecretValueCommand({ SecretId: id }));
    if (typeof value.SecretString !== 'string') {
      return {
        state: 'error',
        where,
        detail: `${where} holds a binary value, not a string`,
        hint: 'put the value as a string (--secret-string)',
      };
    }
    let versions: number | undefined;
    try {
      const described = await client.send(new DescribeSecretCommand({ SecretId: id }));
      versions = described.VersionIdsToStages ? Object.keys(described.VersionIdsToStages).length : undefined;
    } catch {
      versions = undefined; // Only sharpens the placeholder check; without it the value's shape decides.
    }
    return { state: 'value', where, value: value.SecretString, fromStack: true, versions };
  } catch (error) {
    const text = errorName(error);
    if (/ResourceNotFound/i.test(text)) return { state: 'missing', where };
    if (/AccessDenied|not authorized/i.test(text)) {
      return {
        state: 'error',
        where,
        detail: `reading ${where} was refused (AccessDenied)`,
        hint: `use a role allowed secretsmanager:GetSecretValue and DescribeSecret on ${id}`,
      };
    }
    if (/InvalidRequest.*(deletion|deleted)|marked for deletion/i.test(text)) {
      return {
        state: 'error',
        where,
        detail: `${where} is scheduled for deletion`,
        hint: `restore it: aws secretsmanager restore-secret --secret-id ${id}`,
      };
    }
    return {
      state: 'error',
      where,
      detail: `could not read ${where}: ${error instanceof Error ? error.name : 'error'}`,
      hint: 'check the AWS credentials, the region and the network, then run the doctor again',
    };
  }
}
