import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DELETION_GUARD_KEY, HELD_DELETE_PK, heldDeleteSortKey } from '@idp-sync/contracts';

/** Reads the deletion guard's items straight from the table, for assertions. */
export function guardTable(client: DynamoDBClient, tableName: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async guard(): Promise<Record<string, unknown> | undefined> {
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: DELETION_GUARD_KEY.pk, sk: DELETION_GUARD_KEY.sk } }),
      );
      return out.Item;
    },
    async held(): Promise<Record<string, unknown>[]> {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': HELD_DELETE_PK },
        }),
      );
      return out.Items ?? [];
    },
    async heldOf(commandId: string): Promise<Record<string, unknown> | undefined> {
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: HELD_DELETE_PK, sk: heldDeleteSortKey(commandId) } }),
      );
      return out.Item;
    },
    /** Sets a held delete's status by hand (what the CLI does, without the CLI). */
    async setStatus(commandId: string, status: string): Promise<void> {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: HELD_DELETE_PK, sk: heldDeleteSortKey(commandId) },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status },
        }),
      );
    },
  };
}
