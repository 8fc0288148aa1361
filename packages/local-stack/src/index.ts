/**
 * `@idp-sync/local-stack`: the whole pipeline on one machine — SQS and DynamoDB stand-ins, the Users API emulator,
 * the real ingest handler over HTTP and the real worker handler behind a Lambda-like SQS event source.
 *
 * @example
 * import { startLocalStack } from '@idp-sync/local-stack';
 * const stack = await startLocalStack();
 * console.log(stack.urls.ingest);
 * await stack.stop();
 */

export { type PrefixRoute, routeByPrefix } from './api-routes';
export {
  type BannerInput,
  type CurlExample,
  curlExamples,
  locationExports,
  renderBanner,
  shellQuote,
} from './banner';
export { type LocalStackEnvOptions, loadLocalStackConfig } from './config';
export {
  DEFAULT_DLQ_NAME,
  DEFAULT_DYNAMODB_ENDPOINT,
  DEFAULT_HOST,
  DEFAULT_PORTS,
  DEFAULT_QUEUE_NAME,
  DEFAULT_SQS_ENDPOINT,
} from './defaults';
export * from './demo';
export {
  type LocalDynamoDb,
  localDynamoDbClient,
  type StartLocalDynamoDbOptions,
  startLocalDynamoDb,
} from './dynamodb';
export {
  EndpointUnreachableError,
  ListenError,
  LocalStackConfigError,
  LocalStackError,
  PortInUseError,
  StackAlreadyRunningError,
} from './errors';
export {
  ingestHandlerPath,
  loadIngestHandler,
  loadScimHandler,
  loadWorkerHandler,
  scimHandlerPath,
  workerHandlerPath,
} from './handlers';
export { type HealthReport, isDrained, queueHealth, waitForDrainAt, withQueueHealth } from './health';
export {
  type HttpApiHandler,
  type HttpIngestServer,
  type HttpIngestServerOptions,
  startHttpIngestServer,
  toApiGatewayEvent,
} from './http-ingest-server';
export { lambdaContext } from './lambda-context';
export { stackLogLevels, withLogLevel } from './log-levels';
export {
  type BatchResult,
  type EventSourceEvent,
  failedMessageIds,
  type SqsEventSource,
  type SqsEventSourceOptions,
  type SqsHandler,
  startSqsEventSource,
} from './poller';
export { REQUEST_DETAIL_MAX_CHARS, rejectionDetail } from './request-detail';
export {
  currentSecret,
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
export {
  bambooHeaders,
  hrHeaders,
  oktaHeaders,
  type SentResponse,
  type SignedRequest,
  scimHeaders,
  send,
  workosHeaders,
} from './signing';
export {
  type CreatePipelineQueuesOptions,
  createPipelineQueues,
  type LocalSqs,
  localSqsClient,
  type PipelineQueues,
  type StartLocalSqsOptions,
  startLocalSqs,
} from './sqs';
export {
  type LocalStack,
  type LocalStackEvent,
  type LocalStackOptions,
  type LocalStackUrls,
  networkErrorCode,
  startLocalStack,
} from './stack';
