import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable } from '@idp-sync/contracts';

/**
 * Creates a state table for SCIM tests with the worker's `createStateTable` (`pk`/`sk` strings, on demand, TTL where
 * the endpoint supports it): SCIM items live in the same table as the person states in every environment.
 */
export async function createScimTestTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createStateTable(client, tableName);
}
