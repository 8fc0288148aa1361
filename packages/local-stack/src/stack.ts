import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createStateTable, DEFAULT_STATE_TABLE_NAME, type InviteMode, type PredefinedRole } from '@idp-sync/contracts';
import type { LogLevel } from '@idp-sync/http';
import { SCIM_BASE_PATH } from '@idp-sync/scim';
import {
  type ApiKeyConfig,
  startUsersApiEmulator,
  type UsersApiEmulator,
  type UsersApiEmulatorOptions,
} from '@idp-sync/users-api-emulator';
import type { SweepReport } from '@idp-sync/worker/grace';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isAtOrUnder, routeByPrefix } from './api-routes';
import { DEFAULT_DLQ_NAME, DEFAULT_HOST, DEFAULT_QUEUE_NAME, LOCAL_CUSTOM_ROLE, LOCAL_ROLE_POLICY } from './defaults';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb';
import {
  EndpointUnreachableError,
  ListenError,
  LocalStackConfigError,
  LocalStackError,
  PortInUseError,
  StackAlreadyRunningError,
} from './errors';
import { DEFAULT_LOCAL_GRACE_SWEEP_SECONDS, type LocalGraceSweeps, startLocalGraceSweeps } from './grace-sweeps';
import { loadIngestHandler, loadScimHandler, loadWorkerHandler } from './handlers';
import { type HealthReport, isDrained, queueHealth, withQueueHealth } from './health';
import { type HttpApiHandler, type HttpIngestServer, startHttpIngestServer } from './http-ingest-server';
import { stackLogLevels, withLogLevel } from './log-levels';
import { type EventSourceEvent, type SqsEventSource, type SqsHandler, startSqsEventSource } from './poller';
import { rejectionDetail } from './request-detail';
import {
  EMULATOR_KEY_ENV,
  emulatorKeyProblem,
  generateEmulatorKey,
  generateSecret,
  STACK_SECRET_ENV,
  STACK_SECRET_NAMES,
  type StackSecretName,
  type StackSecrets,
  secretProblem,
} from './secrets';
import { createPipelineQueues, type LocalSqs, type PipelineQueues, startLocalSqs } from './sqs';

export interface LocalStackOptions {
  /** Loopback interface for every listener (default 127.0.0.1). */
  host?: string;
  /** The ingest HTTP port (`PORT`). Programmatic default 0: a free port. */
  port?: number;
  emulatorPort?: number;
  sqsPort?: number;
  dynamoDbPort?: number;
  region?: string;
  /** The real Users API instead of the emulator. */
  usersApi?: { baseUrl: string; apiKey: string };
  /** The emulator's admin API key; generated when absent. */
  emulatorApiKey?: string;
  /** More emulator settings (seed users, faults, rate limit). */
  emulator?: Omit<UsersApiEmulatorOptions, 'host' | 'port' | 'apiKeys'>;
  /**
   * More keys the emulator accepts besides the admin key the stack uses, e.g. `{ key, role: 'read-only' }`: a key
   * without the create role, to see what `idp-sync doctor` (or the worker) says about one.
   */
  emulatorExtraApiKeys?: readonly ApiKeyConfig[];
  /** An SQS endpoint to use instead of the embedded fauxqs (LocalStack, AWS…). */
  sqsEndpoint?: string;
  /** A DynamoDB endpoint to use instead of the embedded dynalite. */
  dynamoDbEndpoint?: string;
  /** Source secrets; the missing ones are generated. */
  secrets?: Partial<StackSecrets>;
  defaultRole?: PredefinedRole;
  defaultInviteMode?: InviteMode;
  /** Receives before a message goes to the DLQ: the redrive policy and the worker's "last attempt" (default 5). */
  maxReceiveCount?: number;
  /** Concurrent worker environments, like the event source's maximum concurrency (default 2). */
  workerInstances?: number;
  /** The worker function timeout (default 30 s). */
  workerTimeoutSeconds?: number;
  /** The queue's visibility timeout (default: the worker timeout). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait per receive (default 2 s: a stop waits for at most this). */
  receiveWaitSeconds?: number;
  queueName?: string;
  dlqName?: string;
  stateTableName?: string;
  /**
   * The worker's log level (default WARN: why a command is retried or dead-lettered, as JSON on stderr). A level in the
   * environment (`POWERTOOLS_LOG_LEVEL`, `LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`) wins, for every handler.
   */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * The ingest and SCIM handlers' log level (default ERROR, or `logLevel` when that is SILENT): their warnings are
   * refused requests, whose reason the request event already carries (`detail`). The environment wins, as above.
   */
  httpLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * How often deletes whose grace period ended are re-queued (default 10 s; AWS runs the sweeper every minute). The
   * grace periods themselves are the worker's `GRACE_PERIOD_<SOURCE>` variables (environment or `handlerEnv`).
   */
  graceSweepSeconds?: number;
  /** Further environment for the handlers (e.g. `VISIBILITY_BASE_SECONDS`, `OKTA_SUSPEND_ACTION`). */
  handlerEnv?: Readonly<Record<string, string>>;
  /** One call per ingest request and per worker batch (never with bodies, secrets or emails). */
  onEvent?: (event: LocalStackEvent) => void;
}

export type LocalStackEvent =
  | {
      readonly type: 'request';
      /** The function that answered, as the HTTP API routes it: `scim` for `/scim/v2/*`, `ingest` for the rest. */
      readonly function: 'ingest' | 'scim';
      readonly method: string;
      readonly path: string;
      readonly status: number;
      readonly durationMs: number;
      /**
       * Why a 4xx was answered: the `detail` of the ingest function's problem+json, one line, at most 160 characters,
       * emails redacted (e.g. `the WorkOS-Signature does not match the body`). Absent for other answers.
       */
      readonly detail?: string;
    }
  | EventSourceEvent;

/** Every address of a running stack. */
export interface LocalStackUrls {
  /** `http://127.0.0.1:3000`: the ingest API (API Gateway stand-in). */
  readonly ingest: string;
  readonly health: string;
  readonly webhooks: { readonly okta: string; readonly hr: string; readonly workos: string; readonly bamboohr: string };
  /** The SCIM 2.0 base URL to give Entra. */
  readonly scim: string;
  /** The Users API base URL (the emulator's, or ARIZE_BASE_URL). */
  readonly usersApi: string;
  readonly sqs: string;
  readonly dynamoDb: string;
}

/** A running local stack. */
export interface LocalStack {
  readonly urls: LocalStackUrls;
  readonly secrets: StackSecrets;
  /** Which secrets were generated (not given). */
  readonly generatedSecrets: readonly StackSecretName[];
  /** The Users API key in use: the emulator's admin key, or ARIZE_API_KEY. */
  readonly usersApiKey: string;
  readonly usersApiKeyGenerated: boolean;
  /** The in-process emulator, unless the real Users API is used. */
  readonly emulator: UsersApiEmulator | undefined;
  readonly embedded: { readonly sqs: boolean; readonly dynamoDb: boolean; readonly usersApi: boolean };
  readonly queues: PipelineQueues & { readonly queueName: string; readonly dlqName: string };
  readonly stateTableName: string;
  readonly region: string;
  readonly settings: {
    readonly maxReceiveCount: number;
    readonly workerInstances: number;
    readonly workerTimeoutSeconds: number;
    readonly visibilityTimeoutSeconds: number;
    readonly oktaAuthHeader: string;
    readonly defaultRole: PredefinedRole;
    readonly defaultInviteMode: InviteMode;
  };
  /** A client for the stack's SQS (tests, the demo). */
  readonly sqsClient: SQSClient;
  readonly dynamoClient: DynamoDBClient;
  /** Queue depths, as `GET /health` reports them. */
  health(): Promise<HealthReport>;
  /**
   * Asks every part once — `GET /health` through the ingest API (which asks SQS), the emulator's health endpoint, the
   * state table — and resolves when all answered; throws a LocalStackError naming the part that did not.
   */
  checkReady(): Promise<void>;
  /** Resolves once nothing is waiting or in flight (twice in a row) and no batch is running. */
  waitForDrain(options?: { timeoutMs?: number; intervalMs?: number }): Promise<HealthReport>;
  /** Stops receiving; resolves when in-flight batches are done. */
  pauseWorker(): Promise<void>;
  resumeWorker(): void;
  /**
   * New worker environments (fresh handler instances). With `crash`, the current batches are abandoned: nothing they
   * did is acknowledged, so SQS redelivers their messages after the visibility timeout — as after a Lambda crash.
   */
  restartWorker(options?: { crash?: boolean }): Promise<void>;
  /** Re-queues the deletes whose grace period ended now, as the timer does every `graceSweepSeconds`. */
  sweepGracePeriods(): Promise<SweepReport>;
  /** Stops taking requests, lets in-flight requests and batches finish, then stops every part. Safe to call twice. */
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

function isLoopbackUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
  } catch {
    return false;
  }
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'];

/** The network error code inside an SDK or fetch error, if that is what it is. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { code?: unknown; name?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof e.code === 'string' && NETWORK_CODES.includes(e.code)) return e.code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
    for (const inner of Array.isArray(e.errors) ? e.errors : []) {
      const code = (inner as { code?: unknown }).code;
      if (typeof code === 'string' && NETWORK_CODES.includes(code)) return code;
    }
    current = e.cause;
  }
  return undefined;
}

async function listenOrExplain<T>(part: string, variable: string, host: string, port: number, start: () => Promise<T>) {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'EADDRINUSE' || /EADDRINUSE/.test((error as Error)?.message ?? '')) {
      throw new PortInUseError(part, variable, host, port, { cause: error });
    }
    throw new ListenError(part, variable, host, port, error);
  }
}

/** Checks the given secrets and generates the missing ones. */
function resolveSecrets(given: Partial<StackSecrets>): { secrets: StackSecrets; generated: StackSecretName[] } {
  const secrets: Partial<Record<StackSecretName, string>> = {};
  const generated: StackSecretName[] = [];
  for (const name of STACK_SECRET_NAMES) {
    const value = given[name];
    if (value === undefined || value === '') {
      secrets[name] = generateSecret(name);
      generated.push(name);
      continue;
    }
    const problem = secretProblem(name, value);
    if (problem) {
      throw new LocalStackConfigError(
        `${STACK_SECRET_ENV[name]} ${problem}`,
        `fix it, or unset ${STACK_SECRET_ENV[name]} to have one generated`,
      );
    }
    secrets[name] = value;
  }
  return { secrets: secrets as StackSecrets, generated };
}

/** Checks that the real Users API answers and accepts the key, with one `GET /v2/users?limit=1`. */
async function checkUsersApi(baseUrl: string, apiKey: string): Promise<void> {
  let status: number;
  try {
    const response = await fetch(`${baseUrl}/v2/users?limit=1`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    throw new EndpointUnreachableError(
      'ARIZE_BASE_URL',
      baseUrl,
      networkErrorCode(error) ?? (error as Error)?.message ?? 'no answer',
      'check ARIZE_BASE_URL and the network, or unset ARIZE_BASE_URL and ARIZE_API_KEY to use the emulator',
      { cause: error },
    );
  }
  if (status === 401 || status === 403) {
    throw new LocalStackConfigError(
      `the Users API at ${baseUrl} refused ARIZE_API_KEY (HTTP ${status})`,
      'use a key with user-management permissions, or unset ARIZE_BASE_URL and ARIZE_API_KEY to use the emulator',
    );
  }
  if (status >= 400 && status !== 429) {
    throw new EndpointUnreachableError(
      'ARIZE_BASE_URL',
      baseUrl,
      `GET /v2/users answered HTTP ${status}`,
      'check that ARIZE_BASE_URL is the Users API base URL (e.g. https://api.arize.com)',
    );
  }
}

let running = false;

const RETRY_HINT = 'run npm start again; if it keeps failing, report it with the output above';

/**
 * Starts the whole pipeline in this process on loopback: fauxqs with the FIFO queue, its FIFO DLQ and redrive policy;
 * dynalite with the state table; the Users API emulator; the real ingest and SCIM Lambda handlers behind an API
 * Gateway v2 stand-in on one port (`/scim/v2/*` to SCIM, the rest to ingest); the real worker Lambda handler fed by a Lambda-like SQS event source. Any of SQS, DynamoDB and the Users
 * API can be external instead.
 *
 * The handlers read their configuration from `process.env` when they load, so this sets the environment (queue URLs,
 * table, endpoints, secrets, Users API) before loading them: **a process hosts one stack at a time**.
 *
 * @throws LocalStackError (PortInUseError, EndpointUnreachableError, LocalStackConfigError…) whose `line()` says
 *   what is wrong and how to fix it; whatever had started is stopped again.
 * @example
 * const stack = await startLocalStack({ secrets: { hr: 'whsec_…' } });
 * await fetch(`${stack.urls.ingest}/health`);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (running) throw new StackAlreadyRunningError();
  running = true;
  const cleanups: Cleanups = [];
  try {
    return await start(options, cleanups);
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    running = false;
    throw error;
  }
}

/** The options with their defaults applied, the secrets checked or generated, and the emulator's key. */
interface StackSettings {
  readonly host: string;
  readonly region: string;
  readonly maxReceiveCount: number;
  readonly workerInstances: number;
  readonly workerTimeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly queueName: string;
  readonly dlqName: string;
  readonly stateTableName: string;
  readonly defaultRole: PredefinedRole;
  readonly defaultInviteMode: InviteMode;
  readonly secrets: StackSecrets;
  readonly generatedSecrets: readonly StackSecretName[];
  readonly emulatorApiKey: string;
  readonly usersApiKeyGenerated: boolean;
}

/** What listens on loopback: the ingest API always, each stand-in unless its service is external. */
interface StackListeners {
  readonly ingestServer: HttpIngestServer;
  readonly sqs: LocalSqs | undefined;
  readonly ddb: LocalDynamoDb | undefined;
  readonly emulator: UsersApiEmulator | undefined;
}

/** Where SQS, DynamoDB and the Users API are (embedded or external), and the clients of the first two. */
interface StackServices {
  readonly sqsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly usersApiUrl: string;
  readonly usersApiKey: string;
  readonly sqsClient: SQSClient;
  readonly dynamoClient: DynamoDBClient;
}

/** The entry of the ingest API: answers 503 until the real handlers are served, and reports every request. */
interface IngestEntry {
  readonly handler: HttpApiHandler;
  serve(handler: HttpApiHandler): void;
}

/** The worker environments behind the event source; a restart replaces them (and the event source). */
interface LocalWorker {
  readonly eventSource: SqsEventSource;
  restart(options: { crash: boolean }): Promise<void>;
}

type Cleanups = (() => Promise<unknown>)[];

/**
 * The steps, in the order they depend on each other: the listeners first (the ingest API answers 503 meanwhile), the
 * queues and the table on them, the handlers' environment from those, then the handlers, which read it when they load.
 * Whatever starts registers its stop in `cleanups`, which {@link startLocalStack} runs when a later step fails.
 */
async function start(options: LocalStackOptions, cleanups: Cleanups): Promise<LocalStack> {
  const settings = resolveStackSettings(options);
  const ingest = createIngestEntry(options.onEvent);
  const listeners = await startListeners(options, settings, ingest.handler, cleanups);
  const services = connectServices(options, settings, listeners, cleanups);
  const queues = await createQueuesAndTableAndCheckUsersApi(options, settings, services);
  const logLevels = setHandlerEnvironment(options, settings, listeners, services, queues);
  ingest.serve(await loadHttpHandlers(logLevels.http, services.sqsClient, queues));
  const worker = await startLocalWorker(options, settings, services.sqsClient, queues, logLevels.worker);
  cleanups.push(() => worker.eventSource.stop());
  const sweeps = startLocalGraceSweeps({
    sqsClient: services.sqsClient,
    dynamoClient: services.dynamoClient,
    queueUrl: queues.queueUrl,
    tableName: settings.stateTableName,
    intervalSeconds: options.graceSweepSeconds ?? DEFAULT_LOCAL_GRACE_SWEEP_SECONDS,
    onError: (message) => process.stderr.write(`${message}\n`),
  });
  cleanups.push(() => sweeps.stop());
  return runningStack(options, settings, listeners, services, queues, worker, sweeps);
}

/** Applies the defaults, checks the given secrets and generates the missing ones; throws on a bad secret or key. */
function resolveStackSettings(options: LocalStackOptions): StackSettings {
  const workerTimeoutSeconds = options.workerTimeoutSeconds ?? 30;
  const { secrets, generated } = resolveSecrets(options.secrets ?? {});
  const emulatorApiKey = options.emulatorApiKey ?? generateEmulatorKey();
  const keyProblem = options.usersApi ? undefined : emulatorKeyProblem(emulatorApiKey);
  if (keyProblem) {
    throw new LocalStackConfigError(`${EMULATOR_KEY_ENV} ${keyProblem}`, `fix it, or unset ${EMULATOR_KEY_ENV}`);
  }
  return {
    host: options.host ?? DEFAULT_HOST,
    region: options.region ?? 'us-east-1',
    maxReceiveCount: options.maxReceiveCount ?? 5,
    workerInstances: options.workerInstances ?? 2,
    workerTimeoutSeconds,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? workerTimeoutSeconds,
    queueName: options.queueName ?? DEFAULT_QUEUE_NAME,
    dlqName: options.dlqName ?? DEFAULT_DLQ_NAME,
    stateTableName: options.stateTableName ?? DEFAULT_STATE_TABLE_NAME,
    defaultRole: options.defaultRole ?? 'MEMBER',
    defaultInviteMode: options.defaultInviteMode ?? 'EMAIL_LINK',
    secrets,
    generatedSecrets: generated,
    emulatorApiKey,
    usersApiKeyGenerated: !options.usersApi && !options.emulatorApiKey,
  };
}

/**
 * A `GET /health` marked `x-idp-sync-probe: 1`: a tool asking whether the stack runs (the demo, before it starts)
 * rather than a request worth a line in `npm start`'s console. Only `/health`: nothing else can be hidden.
 */
const QUIET_PROBE_HEADER = 'x-idp-sync-probe';

function isQuietProbe(event: Parameters<HttpApiHandler>[0]): boolean {
  return (
    event.rawPath === '/health' &&
    event.requestContext.http.method === 'GET' &&
    event.headers[QUIET_PROBE_HEADER] === '1'
  );
}

/**
 * The ingest API listens before the handlers can load (they need the queue URLs, which need SQS listening), so its
 * handler answers 503 with Retry-After until {@link IngestEntry.serve} hands it the real ones.
 */
function createIngestEntry(onEvent: LocalStackOptions['onEvent']): IngestEntry {
  let current: HttpApiHandler = async () => ({
    statusCode: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1' },
    body: '{"message":"the local stack is starting"}',
  });
  const handler: HttpApiHandler = async (event, context) => {
    const started = Date.now();
    const result = await current(event, context);
    if (onEvent && !isQuietProbe(event)) {
      const detail = rejectionDetail(result);
      onEvent({
        type: 'request',
        function: isAtOrUnder(event.rawPath, SCIM_BASE_PATH) ? 'scim' : 'ingest',
        method: event.requestContext.http.method,
        path: event.rawPath,
        status: (result as APIGatewayProxyStructuredResultV2)?.statusCode ?? 200,
        durationMs: Date.now() - started,
        ...(detail ? { detail } : {}),
      });
    }
    return result;
  };
  return {
    handler,
    serve(real) {
      current = real;
    },
  };
}

/**
 * Starts every listener in parallel (each one that starts is stopped again on a failure). All of them settle before
 * the first failure is reported, so none is left running untracked.
 */
async function startListeners(
  options: LocalStackOptions,
  settings: StackSettings,
  ingestHandler: HttpApiHandler,
  cleanups: Cleanups,
): Promise<StackListeners> {
  const { host, region, emulatorApiKey } = settings;
  const track = <T extends { stop(): Promise<void> }>(part: T): T => {
    cleanups.push(() => part.stop());
    return part;
  };
  const listening = await Promise.allSettled([
    listenOrExplain('ingest API', 'PORT', host, options.port ?? 0, () =>
      startHttpIngestServer({
        handler: ingestHandler,
        host,
        port: options.port ?? 0,
        functionName: 'idp-sync-ingest-local',
      }).then(track),
    ),
    options.sqsEndpoint
      ? undefined
      : listenOrExplain('SQS stand-in (fauxqs)', 'SQS_PORT', host, options.sqsPort ?? 0, () =>
          startLocalSqs({ host, port: options.sqsPort ?? 0, region, queueUrlHost: 'localhost' }).then(track),
        ),
    options.dynamoDbEndpoint
      ? undefined
      : listenOrExplain('DynamoDB stand-in (dynalite)', 'DYNAMODB_PORT', host, options.dynamoDbPort ?? 0, () =>
          startLocalDynamoDb({ host, port: options.dynamoDbPort ?? 0, region }).then(track),
        ),
    options.usersApi
      ? undefined
      : listenOrExplain('Users API emulator', 'USERS_API_EMULATOR_PORT', host, options.emulatorPort ?? 0, () =>
          startUsersApiEmulator({
            ...options.emulator,
            // The account's custom role the local role policy maps a group to (issue #18), beside any given.
            customRoles: [
              LOCAL_CUSTOM_ROLE,
              ...(options.emulator?.customRoles ?? []).filter((role) => role.id !== LOCAL_CUSTOM_ROLE.id),
            ],
            host,
            port: options.emulatorPort ?? 0,
            apiKeys: [{ key: emulatorApiKey, name: 'local-stack-admin' }, ...(options.emulatorExtraApiKeys ?? [])],
          }).then(track),
        ),
  ] as const);
  const refused = listening.find((r) => r.status === 'rejected');
  if (refused) throw refused.reason;
  const settled = <T>(result: PromiseSettledResult<T>): T => (result as PromiseFulfilledResult<T>).value;
  return {
    ingestServer: settled(listening[0]),
    sqs: settled(listening[1]),
    ddb: settled(listening[2]),
    emulator: settled(listening[3]),
  };
}

/** The endpoints in use (embedded or external) and clients for SQS and DynamoDB, with credentials for the stand-ins. */
function connectServices(
  options: LocalStackOptions,
  settings: StackSettings,
  listeners: StackListeners,
  cleanups: Cleanups,
): StackServices {
  const { region } = settings;
  const sqsEndpoint = options.sqsEndpoint ?? (listeners.sqs as LocalSqs).endpoint;
  const dynamoDbEndpoint = options.dynamoDbEndpoint ?? (listeners.ddb as LocalDynamoDb).endpoint;
  const awsIsLocal = isLoopbackUrl(sqsEndpoint) && isLoopbackUrl(dynamoDbEndpoint);
  if (awsIsLocal && !process.env.AWS_ACCESS_KEY_ID) {
    // The SDK's default provider chain would look for real credentials; the stand-ins accept any.
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  }
  const requestHandler = { connectionTimeout: 2_000, requestTimeout: 10_000 };
  const sqsClient = new SQSClient({ endpoint: sqsEndpoint, region, maxAttempts: 2, requestHandler });
  const dynamoClient = new DynamoDBClient({ endpoint: dynamoDbEndpoint, region, maxAttempts: 2, requestHandler });
  cleanups.push(async () => {
    sqsClient.destroy();
    dynamoClient.destroy();
  });
  return {
    sqsEndpoint,
    dynamoDbEndpoint,
    usersApiUrl: options.usersApi?.baseUrl ?? (listeners.emulator as UsersApiEmulator).url,
    usersApiKey: options.usersApi?.apiKey ?? settings.emulatorApiKey,
    sqsClient,
    dynamoClient,
  };
}

/** Creates the queues (with the DLQ and redrive policy) and the state table, and checks a real Users API, in parallel. */
async function createQueuesAndTableAndCheckUsersApi(
  options: LocalStackOptions,
  settings: StackSettings,
  services: StackServices,
): Promise<PipelineQueues> {
  const { queueName, dlqName, maxReceiveCount, visibilityTimeoutSeconds, stateTableName } = settings;
  const { sqsClient, sqsEndpoint, dynamoClient, dynamoDbEndpoint } = services;
  const [queues] = await Promise.all([
    createPipelineQueues(sqsClient, { queueName, dlqName, maxReceiveCount, visibilityTimeoutSeconds }).catch(
      (error: unknown) => {
        throw externalFailure('SQS_ENDPOINT', sqsEndpoint, Boolean(options.sqsEndpoint), error);
      },
    ),
    createStateTable(dynamoClient, stateTableName).catch((error: unknown) => {
      throw externalFailure('DYNAMODB_ENDPOINT', dynamoDbEndpoint, Boolean(options.dynamoDbEndpoint), error);
    }),
    options.usersApi ? checkUsersApi(options.usersApi.baseUrl, options.usersApi.apiKey) : undefined,
  ]);
  return queues;
}

/**
 * Sets the environment the handlers read when they load (queue URLs, table, endpoints, secrets, Users API), and
 * returns the log level each function gets while it loads (a level set by the user wins).
 */
function setHandlerEnvironment(
  options: LocalStackOptions,
  settings: StackSettings,
  listeners: StackListeners,
  services: StackServices,
  queues: PipelineQueues,
): ReturnType<typeof stackLogLevels> {
  const setDefault = (name: string, value: string) => {
    if (process.env[name] === undefined || process.env[name] === '') process.env[name] = value;
  };
  const env: Record<string, string> = {
    AWS_REGION: settings.region,
    QUEUE_URL: queues.queueUrl,
    DLQ_URL: queues.dlqUrl,
    SQS_ENDPOINT: services.sqsEndpoint,
    DYNAMODB_ENDPOINT: services.dynamoDbEndpoint,
    STATE_TABLE_NAME: settings.stateTableName,
    ARIZE_BASE_URL: services.usersApiUrl,
    ARIZE_API_KEY: services.usersApiKey,
    MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
    DEFAULT_ROLE: settings.defaultRole,
    DEFAULT_INVITE_MODE: settings.defaultInviteMode,
    SCIM_BASE_URL: `${listeners.ingestServer.url}/scim/v2`,
    ...options.handlerEnv,
  };
  for (const name of STACK_SECRET_NAMES) env[STACK_SECRET_ENV[name]] = settings.secrets[name];
  Object.assign(process.env, env);
  // EMF metrics to stdout mean nothing without CloudWatch; the emulator has no rate limit worth a slow default.
  setDefault('POWERTOOLS_METRICS_DISABLED', 'true');
  // Each function gets its level while its module loads (they read it at INIT); a level set by the user wins.
  const logLevels = stackLogLevels(options, process.env);
  if (!options.usersApi) {
    // With the emulator (never against the real Users API, whose roles are its own): a WorkOS group "Data Science"
    // gives the emulator's custom role "Data Scientist" at create, unless ROLE_POLICY says otherwise.
    setDefault('ROLE_POLICY', LOCAL_ROLE_POLICY);
    setDefault('USERS_API_RPS', '100');
    // The users-client warns once per operation that the Users API v2 is alpha: news about the real API, not the emulator.
    setDefault('DISABLE_PRERELEASE_WARNING', 'true');
  }
  return logLevels;
}

/** One port, two functions, as the HTTP API routes them in AWS: /scim/v2/* to the SCIM Lambda, the rest to ingest. */
async function loadHttpHandlers(
  level: LogLevel | undefined,
  sqsClient: SQSClient,
  queues: PipelineQueues,
): Promise<HttpApiHandler> {
  const [realIngest, realScim] = await withLogLevel(level, () => Promise.all([loadIngestHandler(), loadScimHandler()]));
  return routeByPrefix(
    [{ prefix: SCIM_BASE_PATH, handler: realScim }],
    withQueueHealth(realIngest, () => queueHealth(sqsClient, queues)),
  );
}

/** Loads `workerInstances` worker handlers (fresh environments) and feeds them from the queue, as Lambda's event source does. */
async function startLocalWorker(
  options: LocalStackOptions,
  settings: StackSettings,
  sqsClient: SQSClient,
  queues: PipelineQueues,
  level: LogLevel | undefined,
): Promise<LocalWorker> {
  const onEvent = options.onEvent;
  const loadHandlers = () =>
    withLogLevel(level, () => Promise.all(Array.from({ length: settings.workerInstances }, () => loadWorkerHandler())));
  const startEventSource = (handlers: readonly SqsHandler[]) =>
    startSqsEventSource({
      client: sqsClient,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      region: settings.region,
      handlers,
      batchSize: 10,
      waitTimeSeconds: options.receiveWaitSeconds ?? 2,
      timeoutMs: settings.workerTimeoutSeconds * 1000,
      functionName: 'idp-sync-worker-local',
      ...(onEvent ? { onEvent } : {}),
    });
  let eventSource = startEventSource(await loadHandlers());
  return {
    get eventSource() {
      return eventSource;
    },
    async restart({ crash }) {
      await eventSource.stop({ abandon: crash });
      eventSource = startEventSource(await loadHandlers());
    },
  };
}

/** Every address of the stack, from the ingest API's. */
function stackUrls(ingestUrl: string, services: StackServices): LocalStackUrls {
  return {
    ingest: ingestUrl,
    health: `${ingestUrl}/health`,
    webhooks: {
      okta: `${ingestUrl}/webhooks/okta`,
      hr: `${ingestUrl}/webhooks/hr`,
      workos: `${ingestUrl}/webhooks/workos`,
      bamboohr: `${ingestUrl}/webhooks/bamboohr`,
    },
    scim: `${ingestUrl}/scim/v2`,
    usersApi: services.usersApiUrl,
    sqs: services.sqsEndpoint,
    dynamoDb: services.dynamoDbEndpoint,
  };
}

/** The running stack handed to the caller: its addresses and settings, and how to probe, drain, restart and stop it. */
function runningStack(
  options: LocalStackOptions,
  settings: StackSettings,
  listeners: StackListeners,
  services: StackServices,
  queues: PipelineQueues,
  worker: LocalWorker,
  sweeps: LocalGraceSweeps,
): LocalStack {
  const { ingestServer, sqs, ddb, emulator } = listeners;
  const { sqsClient, dynamoClient } = services;
  const health = () => queueHealth(sqsClient, queues);
  let stopping: Promise<void> | undefined;
  const stack: LocalStack = {
    urls: stackUrls(ingestServer.url, services),
    secrets: settings.secrets,
    generatedSecrets: settings.generatedSecrets,
    usersApiKey: services.usersApiKey,
    usersApiKeyGenerated: settings.usersApiKeyGenerated,
    emulator,
    embedded: { sqs: !options.sqsEndpoint, dynamoDb: !options.dynamoDbEndpoint, usersApi: !options.usersApi },
    queues: { ...queues, queueName: settings.queueName, dlqName: settings.dlqName },
    stateTableName: settings.stateTableName,
    region: settings.region,
    settings: {
      maxReceiveCount: settings.maxReceiveCount,
      workerInstances: settings.workerInstances,
      workerTimeoutSeconds: settings.workerTimeoutSeconds,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      oktaAuthHeader: (process.env.OKTA_AUTH_HEADER?.trim() || 'authorization').toLowerCase(),
      defaultRole: settings.defaultRole,
      defaultInviteMode: settings.defaultInviteMode,
    },
    sqsClient,
    dynamoClient,
    health,
    async checkReady() {
      const ask = async (part: string, url: string) => {
        let status: number;
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
          status = response.status;
          await response.body?.cancel();
        } catch (error) {
          throw new LocalStackError(`the ${part} did not answer (${networkErrorCode(error) ?? 'error'})`, RETRY_HINT, {
            cause: error,
          });
        }
        if (status !== 200) throw new LocalStackError(`the ${part} answered HTTP ${status}`, RETRY_HINT);
      };
      await Promise.all([
        ask('ingest API (GET /health)', stack.urls.health),
        emulator ? ask('Users API emulator', `${emulator.url}/_emulator/health`) : undefined,
        dynamoClient.send(new DescribeTableCommand({ TableName: settings.stateTableName })).catch((error: unknown) => {
          throw externalFailure(
            'DYNAMODB_ENDPOINT',
            services.dynamoDbEndpoint,
            Boolean(options.dynamoDbEndpoint),
            error,
          );
        }),
      ]);
    },
    async waitForDrain(waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 30_000;
      const intervalMs = waitOptions.intervalMs ?? 100;
      const deadline = Date.now() + timeoutMs;
      let calm = 0;
      let last = await health();
      for (;;) {
        calm = isDrained(last) && worker.eventSource.inFlight === 0 ? calm + 1 : 0;
        if (calm >= 2) return last;
        if (Date.now() > deadline) {
          throw new LocalStackError(
            `the queue did not drain within ${timeoutMs} ms (visible ${last.queue.visible}, in flight ${last.queue.inFlight})`,
            'messages that failed transiently come back after their visibility timeout; check the worker output',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        last = await health();
      }
    },
    pauseWorker: () => worker.eventSource.pause(),
    resumeWorker: () => worker.eventSource.resume(),
    async restartWorker(restartOptions = {}) {
      await worker.restart({ crash: restartOptions.crash ?? false });
    },
    sweepGracePeriods: () => sweeps.sweepNow(),
    stop() {
      stopping ??= (async () => {
        await sweeps.stop();
        // An embedded queue goes away with the stack, so pending long polls can be cut rather than waited for.
        await Promise.all([ingestServer.stop(), worker.eventSource.stop({ abortReceives: !options.sqsEndpoint })]);
        await Promise.allSettled([emulator?.stop(), sqs?.stop(), ddb?.stop()]);
        sqsClient.destroy();
        dynamoClient.destroy();
        running = false;
      })();
      return stopping;
    },
  };
  return stack;
}

function externalFailure(variable: string, endpoint: string, external: boolean, error: unknown): LocalStackError {
  const code = networkErrorCode(error);
  if (code) {
    return external
      ? new EndpointUnreachableError(variable, endpoint, code, undefined, { cause: error })
      : new LocalStackError(`the embedded service at ${endpoint} did not answer (${code})`, RETRY_HINT, {
          cause: error,
        });
  }
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  return new LocalStackError(
    `${external ? `${variable}=${endpoint}` : endpoint} refused the setup: ${name}: ${message}`,
    external
      ? `check ${variable} and the credentials and region (AWS_REGION), or unset ${variable} to use the embedded one`
      : RETRY_HINT,
    { cause: error },
  );
}
