export {
  type LocalDynamoDb,
  localDynamoDbClient,
  type StartLocalDynamoDbOptions,
  startLocalDynamoDb,
} from './dynamodb';
export {
  type HttpApiHandler,
  type HttpIngestServer,
  type HttpIngestServerOptions,
  startHttpIngestServer,
  toApiGatewayEvent,
} from './http-ingest-server';
export {
  type CreatePipelineQueuesOptions,
  createPipelineQueues,
  type LocalSqs,
  localSqsClient,
  type PipelineQueues,
  type StartLocalSqsOptions,
  startLocalSqs,
} from './sqs';
