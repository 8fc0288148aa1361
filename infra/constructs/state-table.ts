import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface StateTableProps {
  readonly resourcePrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/** Key and TTL attribute names shared with `packages/contracts/src/state-table.ts` (checked by a test). */
export const STATE_TABLE_SCHEMA = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

/**
 * The state table: person state (watermark, Users API id), SCIM resources and idempotency records, keyed `pk`/`sk`.
 * On-demand (traffic is bursty: a bulk HR leave, an Entra sync cycle), point-in-time recovery on, TTL on
 * `expiresAt` so idempotency records expire by themselves.
 *
 * @example
 * const state = new StateTable(this, 'State', { resourcePrefix: 'idp-sync', removalPolicy: RemovalPolicy.RETAIN });
 */
export class StateTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: `${props.resourcePrefix}-state`,
      partitionKey: { name: STATE_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: STATE_TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Encrypted at rest with the AWS-owned key (DynamoDB's default); no customer key to manage.
      encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey(),
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
  }
}
