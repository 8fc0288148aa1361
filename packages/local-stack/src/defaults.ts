/**
 * Where `npm start` puts things when nothing else is said. A module of its own, with no imports, published as
 * `@idp-sync/local-stack/defaults`: the CLI's `dlq` commands look for the local stack here without loading the stack.
 *
 * @example
 * import { DEFAULT_SQS_ENDPOINT, DEFAULT_DLQ_NAME } from '@idp-sync/local-stack/defaults';
 */

/** Loopback only: the local stack and its stand-ins have no authentication. */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * The default ports of `npm start`. SQS on 4566 (fauxqs's and LocalStack's port) is where `idp-sync dlq` looks when
 * nothing else is said.
 *
 * @example
 * const health = `http://${DEFAULT_HOST}:${DEFAULT_PORTS.ingest}/health`;
 */
export const DEFAULT_PORTS = { ingest: 3000, emulator: 4010, sqs: 4566, dynamoDb: 8000 } as const;

/**
 * The SQS endpoint of `npm start` with the default host and port.
 *
 * @example
 * new SQSClient({ endpoint: DEFAULT_SQS_ENDPOINT, region: 'us-east-1' });
 */
export const DEFAULT_SQS_ENDPOINT = `http://${DEFAULT_HOST}:${DEFAULT_PORTS.sqs}`;

/**
 * The DynamoDB endpoint of `npm start` with the default host and port.
 *
 * @example
 * new DynamoDBClient({ endpoint: DEFAULT_DYNAMODB_ENDPOINT, region: 'us-east-1' });
 */
export const DEFAULT_DYNAMODB_ENDPOINT = `http://${DEFAULT_HOST}:${DEFAULT_PORTS.dynamoDb}`;

/**
 * The work queue and its DLQ that the local stack creates (FIFO, as in AWS).
 *
 * @example
 * await createPipelineQueues(client, { queueName: DEFAULT_QUEUE_NAME, dlqName: DEFAULT_DLQ_NAME });
 */
export const DEFAULT_QUEUE_NAME = 'idp-sync-commands.fifo';
/** The DLQ of {@link DEFAULT_QUEUE_NAME}. */
export const DEFAULT_DLQ_NAME = 'idp-sync-commands-dlq.fifo';

/**
 * The custom RBAC role the local stack's emulator starts with, and the role policy `npm start` runs with unless
 * `ROLE_POLICY` is set (issue #18): a WorkOS directory group "Data Science" gives that custom role at create. Only with
 * the emulator — the real Users API has its own roles. `npm run demo` creates one person this way.
 *
 * @example
 * LOCAL_CUSTOM_ROLE.name // 'Data Scientist'
 */
export const LOCAL_CUSTOM_ROLE = { id: 'Um9sZToxMDE', name: 'Data Scientist' } as const;
/** The group {@link LOCAL_ROLE_POLICY} maps to {@link LOCAL_CUSTOM_ROLE}. */
export const LOCAL_ROLE_GROUP = 'Data Science';
export const LOCAL_ROLE_POLICY = JSON.stringify({
  rules: [{ when: { source: 'workos', group: LOCAL_ROLE_GROUP }, role: { custom: LOCAL_CUSTOM_ROLE.id } }],
});
