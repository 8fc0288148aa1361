import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  groupValuesOfSource,
  isConditionalCheckFailure,
  personGroupsUpdate,
  tagGroupValues,
} from '@idp-sync/contracts';
import type { PersonGroups } from './ports';

/** Statuses of a person state item that mean the Users API holds an account for them (the worker's PersonStatus). */
const ACCOUNT_STATUSES = new Set(['ACTIVE', 'INVITED', 'EXPIRED']);

/**
 * Records SCIM group memberships on the person's state item in the shared table, as the worker's `membership`
 * commands do: written at once, so a create the worker applies after the group's PATCH reads them.
 *
 * @example
 * const personGroups = createDynamoDbPersonGroups({ client, tableName: 'idp-sync-state', now: () => new Date() });
 */
export function createDynamoDbPersonGroups(options: {
  client: DynamoDBClient;
  tableName: string;
  now: () => Date;
}): PersonGroups {
  const doc = DynamoDBDocumentClient.from(options.client);
  return {
    async record(email, op, values) {
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName: options.tableName,
            // Tagged `scim:`: a create of another source never reads what SCIM recorded.
            ...personGroupsUpdate(email, op, tagGroupValues('scim', values), options.now().toISOString()),
            ReturnValues: 'ALL_OLD',
          }),
        );
        const old = out.Attributes ?? {};
        const recorded =
          old.groups instanceof Set ? [...old.groups].filter((g): g is string => typeof g === 'string') : [];
        const before = groupValuesOfSource('scim', recorded);
        const after =
          op === 'add' ? [...new Set([...before, ...values])] : before.filter((value) => !values.includes(value));
        return { before, after, hasAccount: typeof old.status === 'string' && ACCOUNT_STATUSES.has(old.status) };
      } catch (error) {
        if (isConditionalCheckFailure(error)) {
          return op === 'add' ? 'full' : { before: [], after: [], hasAccount: false };
        }
        throw error;
      }
    },
  };
}
