import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_STATE_TABLE_NAME, STATE_TABLE_KEY, STATE_TABLE_TTL_ATTRIBUTE } from '@idp-sync/contracts';

/**
 * The partition key of every idempotency record. Fixed rather than derived from `AWS_LAMBDA_FUNCTION_NAME`, so a
 * redeployed function (new generated name) still sees the records of the old one.
 */
const IDEMPOTENCY_PARTITION = 'idempotency#worker';

/** The prefix of the idempotency key (the sort key); same reasoning as {@link IDEMPOTENCY_PARTITION}. */
export const IDEMPOTENCY_KEY_PREFIX = 'idp-sync-worker';

/**
 * Powertools' DynamoDB persistence layer on the state table: `pk = idempotency#worker`, `sk = <prefix>#<hash of
 * command id>`, expiry in `expiresAt`. Works against dynalite: dynalite ignores `ReturnValuesOnConditionCheckFailure`,
 * and Powertools then reads the existing record with a GetItem.
 *
 * @example
 * const persistenceStore = createIdempotencyPersistence(dynamo, 'idp-sync-state');
 */
export function createIdempotencyPersistence(
  client: DynamoDBClient,
  tableName: string = DEFAULT_STATE_TABLE_NAME,
): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: STATE_TABLE_KEY.pk,
    sortKeyAttr: STATE_TABLE_KEY.sk,
    staticPkValue: IDEMPOTENCY_PARTITION,
    expiryAttr: STATE_TABLE_TTL_ATTRIBUTE,
    awsSdkV3Client: client,
  });
}
