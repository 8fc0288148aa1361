import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProvisioningCommand, RolePolicyRule } from '@idp-sync/contracts';
import type { HttpRequest, HttpResponse } from '@idp-sync/http';
import {
  createPipelineQueues,
  type LocalDynamoDb,
  type LocalSqs,
  localDynamoDbClient,
  localSqsClient,
  startLocalDynamoDb,
  startLocalSqs,
} from '@idp-sync/local-stack';
import {
  createBearerVerifier,
  createDynamoDbPersonGroups,
  createDynamoDbScimGroupStore,
  createDynamoDbScimUserStore,
  createScimService,
  type PersonGroups,
  type ScimGroupStore,
  type ScimService,
  type ScimServiceConfigInput,
  type ScimUserStore,
  type UsersLookup,
} from '@idp-sync/scim/service';
import { createMemoryCommandQueue, createSqsCommandQueue, drainCommands, type MemoryCommandQueue } from './queue';
import { createScimTestTable } from './table';

/** The bearer token every SCIM test service accepts. */
export const SCIM_TEST_TOKEN = 'scim-test-token-0123456789abcdef';
export const SCIM_PREVIOUS_TEST_TOKEN = 'scim-old-token-fedcba9876543210';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes?: Record<string, unknown> | undefined;
}

export interface ScimTestResponse extends HttpResponse {
  /** The parsed body (undefined for an empty one). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary SCIM JSON
  readonly json: any;
}

export interface ScimRequestOptions {
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** null sends no Authorization header; a string replaces the test token. */
  token?: string | null;
}

export interface ScimTestService {
  readonly service: ScimService;
  readonly store: ScimUserStore;
  readonly groupStore: ScimGroupStore;
  /** Faults to inject: how many person-item writes of SCIM Groups fail, after how many more succeed. */
  readonly faults: { personGroups: number; personGroupsAfter: number };
  readonly tableName: string;
  readonly logs: LogLine[];
  readonly metrics: Map<string, number>;
  /** The in-memory queue, when the service was built without SQS. */
  readonly memoryQueue: MemoryCommandQueue | undefined;
  request(method: string, pathAndQuery: string, options?: ScimRequestOptions): Promise<ScimTestResponse>;
  /** Every command queued so far (drained from SQS, or the memory queue's record). */
  commands(): Promise<ProvisioningCommand[]>;
}

export interface CreateServiceOptions {
  usersLookup?: UsersLookup;
  config?: ScimServiceConfigInput;
  now?: () => Date;
  /** Use a real SQS FIFO queue (the backend must have been started with `sqs: true`). */
  sqs?: boolean;
  /** Serve `/Groups` (default true). */
  groups?: boolean;
  /** The role policy SCIM Groups report role changes against. */
  rolePolicy?: readonly RolePolicyRule[];
  /** Serve an existing service's table (another configuration of the same deployment) instead of a fresh one. */
  tableName?: string;
}

export interface ScimBackend {
  readonly dynamoDb: LocalDynamoDb;
  readonly dynamoDbClient: DynamoDBClient;
  readonly sqs: LocalSqs | undefined;
  readonly sqsClient: SQSClient | undefined;
  createService(options?: CreateServiceOptions): Promise<ScimTestService>;
  stop(): Promise<void>;
}

/** Builds an HttpRequest the way the Lambda handler would. */
export function scimRequest(method: string, pathAndQuery: string, options: ScimRequestOptions = {}): HttpRequest {
  const url = new URL(pathAndQuery, 'http://scim.test');
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? SCIM_TEST_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let rawBody: Buffer = Buffer.alloc(0);
  if (options.body !== undefined) {
    rawBody = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
    headers['content-type'] = 'application/scim+json';
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method,
    path: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    rawBody,
    requestId: randomUUID(),
    receivedAtMs: Date.now(),
  };
}

/**
 * Starts dynalite (and, with `sqs: true`, fauxqs) on loopback. Each `createService` gets a fresh table (and a fresh
 * FIFO queue), so tests do not see each other's users.
 */
export async function startScimBackend(options: { sqs?: boolean } = {}): Promise<ScimBackend> {
  const dynamoDb = await startLocalDynamoDb();
  const dynamoDbClient = localDynamoDbClient(dynamoDb);
  const sqs = options.sqs ? await startLocalSqs() : undefined;
  const sqsClient = sqs ? localSqsClient(sqs) : undefined;
  let counter = 0;

  return {
    dynamoDb,
    dynamoDbClient,
    sqs,
    sqsClient,
    async createService(serviceOptions = {}) {
      counter++;
      const tableName = serviceOptions.tableName ?? `scim-test-${counter}-${randomUUID().slice(0, 8)}`;
      if (serviceOptions.tableName === undefined) await createScimTestTable(dynamoDbClient, tableName);
      const store = createDynamoDbScimUserStore({ client: dynamoDbClient, tableName });
      const logs: LogLine[] = [];
      const metrics = new Map<string, number>();
      let memoryQueue: MemoryCommandQueue | undefined;
      let commands: () => Promise<ProvisioningCommand[]>;
      let queue: Parameters<typeof createScimService>[0]['queue'];
      if (serviceOptions.sqs) {
        if (!sqsClient) throw new Error('start the backend with { sqs: true } to use SQS');
        const { queueUrl } = await createPipelineQueues(sqsClient, {
          queueName: `${tableName}.fifo`,
          dlqName: `${tableName}-dlq.fifo`,
        });
        queue = createSqsCommandQueue(sqsClient, queueUrl);
        const received: ProvisioningCommand[] = [];
        commands = async () => {
          received.push(...(await drainCommands(sqsClient, queueUrl)));
          return [...received];
        };
      } else {
        memoryQueue = createMemoryCommandQueue();
        queue = memoryQueue;
        const memory = memoryQueue;
        commands = async () => [...memory.sent];
      }
      const record =
        (level: LogLine['level']) =>
        (message: string, ...fields: Record<string, unknown>[]) => {
          logs.push({ level, message, attributes: fields[0] });
        };
      const groupStore = createDynamoDbScimGroupStore({ client: dynamoDbClient, tableName });
      const realPersonGroups = createDynamoDbPersonGroups({
        client: dynamoDbClient,
        tableName,
        now: serviceOptions.now ?? (() => new Date()),
      });
      const faults = { personGroups: 0, personGroupsAfter: 0 };
      // Person items that cannot be written (a throttled table): after `faults.personGroupsAfter` more writes succeed,
      // the next `faults.personGroups` writes fail.
      const faultyPersonGroups: PersonGroups = {
        record: async (...args) => {
          if (faults.personGroups > 0 && faults.personGroupsAfter > 0) {
            faults.personGroupsAfter--;
            return realPersonGroups.record(...args);
          }
          if (faults.personGroups > 0) {
            faults.personGroups--;
            throw Object.assign(new Error('ProvisionedThroughputExceededException (test)'), { $metadata: {} });
          }
          return realPersonGroups.record(...args);
        },
      };
      const service = createScimService({
        store,
        queue,
        usersLookup: serviceOptions.usersLookup,
        verifyBearer: createBearerVerifier(() => ({ current: SCIM_TEST_TOKEN, previous: SCIM_PREVIOUS_TEST_TOKEN })),
        config: serviceOptions.config,
        logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
        metrics: { count: (name, _dimensions, value = 1) => metrics.set(name, (metrics.get(name) ?? 0) + value) },
        now: serviceOptions.now,
        ...(serviceOptions.groups === false
          ? {}
          : {
              groups: {
                store: groupStore,
                personGroups: faultyPersonGroups,
                rolePolicy: serviceOptions.rolePolicy,
              },
            }),
      });
      return {
        service,
        store,
        groupStore,
        faults,
        tableName,
        logs,
        metrics,
        memoryQueue,
        commands,
        async request(method, pathAndQuery, requestOptions) {
          const response = await service.handle(scimRequest(method, pathAndQuery, requestOptions));
          return { ...response, json: response.body ? JSON.parse(response.body) : undefined };
        },
      };
    },
    async stop() {
      sqsClient?.destroy();
      dynamoDbClient.destroy();
      await sqs?.stop();
      await dynamoDb.stop();
    },
  };
}
