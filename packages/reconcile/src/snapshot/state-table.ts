import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_STATE_TABLE_NAME,
  PERSON_STATE_PREFIX as PERSON_PREFIX,
  PERSON_STATE_SORT_KEY,
  STATE_TABLE_KEY,
} from '@idp-sync/contracts';
import type { ManagedView } from '../plan/planner';

const STATUSES = new Set(['ACTIVE', 'INVITED', 'EXPIRED', 'DELETED']);

/**
 * Who this pipeline manages: every person item of the state table, with its last known status (`DELETED` when the
 * worker deleted them). One paginated Scan with a projection of the key and the status; read-only.
 *
 * @example
 * const managed = await readManagedPeople(dynamo, 'idp-sync-state'); // Map<email, { status }>
 */
export async function readManagedPeople(
  client: DynamoDBClient,
  tableName: string = DEFAULT_STATE_TABLE_NAME,
): Promise<Map<string, ManagedView>> {
  const doc = DynamoDBDocumentClient.from(client);
  const managed = new Map<string, ManagedView>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: tableName,
        // A person item holding only recorded memberships (no command applied: no watermark) is not managed.
        FilterExpression: 'begins_with(#pk, :person) AND #sk = :state AND attribute_exists(#wm)',
        ProjectionExpression: '#pk, #status',
        ExpressionAttributeNames: {
          '#pk': STATE_TABLE_KEY.pk,
          '#sk': STATE_TABLE_KEY.sk,
          '#status': 'status',
          '#wm': 'watermarkMs',
        },
        ExpressionAttributeValues: { ':person': PERSON_PREFIX, ':state': PERSON_STATE_SORT_KEY },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const item of out.Items ?? []) {
      const pk = item[STATE_TABLE_KEY.pk];
      if (typeof pk !== 'string') continue;
      const status = typeof item.status === 'string' && STATUSES.has(item.status) ? item.status : undefined;
      managed.set(
        pk.slice(PERSON_PREFIX.length),
        status === undefined ? {} : { status: status as ManagedView['status'] },
      );
    }
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return managed;
}
