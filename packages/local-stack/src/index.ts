export {
  type LocalDynamoDb,
  localDynamoDbClient,
  type StartLocalDynamoDbOptions,
  startLocalDynamoDb,
} from './dynamodb';
export {
  type CreatePipelineQueuesOptions,
  createPipelineQueues,
  type LocalSqs,
  localSqsClient,
  type PipelineQueues,
  type StartLocalSqsOptions,
  startLocalSqs,
} from './sqs';
