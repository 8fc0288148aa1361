import { createHash } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * The key attributes of the state table, shared by the worker, SCIM and the idempotency records.
 *
 * @example
 * ({ [STATE_TABLE_KEY.pk]: 'person#ada@example.com', [STATE_TABLE_KEY.sk]: 'state' })
 */
export const STATE_TABLE_KEY = { pk: 'pk', sk: 'sk' } as const;

/** The TTL attribute (epoch seconds). Idempotency records set it; DynamoDB deletes expired items in the background. */
export const STATE_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The deletion guard's items in the state table, shared by the worker (which counts deletes, holds them and honours
 * approvals) and the CLI (which lists, approves, discards and re-arms). Both sides hold to these names: renaming one
 * strands the items already written.
 *
 * - the guard: `pk = deletion-guard`, `sk = guard` — rolling-window delete counts (`buckets`), `version` (optimistic
 *   concurrency), `tripped`, `managed` (people this pipeline manages), who re-armed it last;
 * - a held delete: `pk = held-delete`, `sk = cmd#<sha256 of the command id>` — the original message body, its FIFO
 *   group and sequence number, the person, source, times, and what became of it (`status`).
 *
 * @example
 * ({ pk: DELETION_GUARD_KEY.pk, sk: DELETION_GUARD_KEY.sk })
 */
export const DELETION_GUARD_KEY = { pk: 'deletion-guard', sk: 'guard' } as const;

/** The partition of every held delete (one partition: on-call lists them all, there are few). */
export const HELD_DELETE_PK = 'held-delete';

/**
 * The sort key of a command's held delete: deterministic, so holding the same command twice writes one item and the
 * worker finds an approval by the command id alone.
 *
 * @example
 * heldDeleteSortKey('okta:1f2e') // 'cmd#<64 hex>'
 */
export function heldDeleteSortKey(commandId: string): string {
  return `cmd#${createHash('sha256').update(commandId, 'utf8').digest('hex')}`;
}

/**
 * A person's state item: `pk = person#<email>`, `sk = state`. The worker owns it (watermark, user id, status); the
 * group memberships on it (`groups`, a string set) are written by the worker's `membership` commands and by SCIM's
 * Groups, and read by the role policy at the person's create.
 *
 * @example
 * personStateKey('ada@example.com') // { pk: 'person#ada@example.com', sk: 'state' }
 */
export function personStateKey(email: string): { pk: string; sk: string } {
  return { [STATE_TABLE_KEY.pk]: `${PERSON_STATE_PREFIX}${email}`, [STATE_TABLE_KEY.sk]: PERSON_STATE_SORT_KEY } as {
    pk: string;
    sk: string;
  };
}

/** The partition-key prefix and sort key of person state items ({@link personStateKey}). */
export const PERSON_STATE_PREFIX = 'person#';
export const PERSON_STATE_SORT_KEY = 'state';

/**
 * The most group values (names and ids) recorded per person: 500 of at most 256 characters stay under 130 KB of the
 * item's 400 KB, and leave room for people in a couple of hundred groups — more than a role policy reads.
 */
export const MAX_RECORDED_GROUPS = 500;

/**
 * The update that records group memberships on a person's state item (creating it if needed) without moving its
 * watermark: a membership is a fact for the role policy, not a change of the account. `ADD`/`DELETE` on a string
 * set, so a repeat changes nothing. A failed condition means: for an `add`, the person already has
 * {@link MAX_RECORDED_GROUPS} values; for a `remove`, they have none to remove. For the document client (`UpdateCommand`).
 *
 * @example
 * await doc.send(new UpdateCommand({ TableName, ...personGroupsUpdate('ada@example.com', 'add', ['Admins'], now) }));
 */
export function personGroupsUpdate(
  email: string,
  op: 'add' | 'remove',
  values: readonly string[],
  nowIso: string,
): {
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  return {
    Key: personStateKey(email),
    UpdateExpression: `SET #email = :email, #upd = :upd ${op === 'add' ? 'ADD' : 'DELETE'} #groups :values`,
    // An add needs room; a remove, something to remove (else it would write an item holding only an email).
    ConditionExpression:
      op === 'add' ? 'attribute_not_exists(#groups) OR size(#groups) <= :room' : 'attribute_exists(#groups)',
    ExpressionAttributeNames: { '#email': 'email', '#upd': 'updatedAt', '#groups': 'groups' },
    ExpressionAttributeValues: {
      ':email': email,
      ':upd': nowIso,
      ':values': new Set(values),
      ...(op === 'add' ? { ':room': MAX_RECORDED_GROUPS - values.length } : {}),
    },
  };
}

/**
 * Group values as recorded on a person item: each tagged with the source that said it (`scim:Arize Admins`), so that
 * a create reads only what its own source recorded — a sender of one source cannot choose the role of a person
 * another source creates.
 *
 * @example
 * tagGroupValues('okta', ['Arize Admins']) // ['okta:Arize Admins']
 */
export function tagGroupValues(source: string, values: readonly string[]): string[] {
  return values.map((value) => `${source}:${value}`);
}

/**
 * The values a source recorded, untagged (see {@link tagGroupValues}).
 *
 * @example
 * groupValuesOfSource('okta', ['okta:Arize Admins', 'scim:Labelers']) // ['Arize Admins']
 */
export function groupValuesOfSource(source: string, recorded: readonly string[]): string[] {
  const prefix = `${source}:`;
  return recorded.filter((value) => value.startsWith(prefix)).map((value) => value.slice(prefix.length));
}

/** The table name used when `STATE_TABLE_NAME` is not set (local stack and tests). */
export const DEFAULT_STATE_TABLE_NAME = 'idp-sync-state';

/**
 * Creates the state table (`pk`/`sk` strings, on demand, TTL on `expiresAt`) unless it exists. Idempotent: used by
 * tests and the local stack; in AWS the CDK stack owns the table.
 *
 * TTL is enabled where the endpoint supports it; dynalite does not (UnknownOperationException), which is harmless
 * because the idempotency layer also compares `expiresAt` itself.
 *
 * @example
 * await createStateTable(localDynamoDbClient(ddb), 'idp-sync-state');
 */
export async function createStateTable(client: DynamoDBClient, tableName: string = DEFAULT_STATE_TABLE_NAME) {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: STATE_TABLE_KEY.pk, AttributeType: 'S' },
          { AttributeName: STATE_TABLE_KEY.sk, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: STATE_TABLE_KEY.pk, KeyType: 'HASH' },
          { AttributeName: STATE_TABLE_KEY.sk, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, tableName);
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    const name = (error as { name?: string }).name;
    // dynalite lacks the operation; a second call on AWS says TTL is already enabled. Neither is a problem.
    if (name !== 'UnknownOperationException' && !(name === 'ValidationException' && /already/i.test(String(error))))
      throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/**
 * True when a write to the state table lost its condition (`ConditionalCheckFailedException`): another writer got
 * there first, or the item is not in the state the write expects. Checked by name, so an error from any copy of the
 * DynamoDB client (or its document client) is recognised.
 *
 * @example
 * try { await doc.send(update); } catch (error) { if (isConditionalCheckFailure(error)) return 'superseded'; throw error; }
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}
