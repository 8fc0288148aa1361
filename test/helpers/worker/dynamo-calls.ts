import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Commands that write one item per call. */
const SINGLE_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
/** Commands that read per call (a BatchGetItem is one call, whatever its keys). */
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** What a client sent, counted in its middleware stack (`countDynamoCalls`). */
export interface DynamoCalls {
  /** Calls per command name (`UpdateItemCommand`, `BatchGetItemCommand`, …), retries of one send not counted. */
  readonly calls: ReadonlyMap<string, number>;
  /**
   * Write requests: one per PutItem / UpdateItem / DeleteItem, one per item of a BatchWriteItem or
   * TransactWriteItems (what DynamoDB bills as writes, whatever the number of calls).
   */
  writes(): number;
  /** Read calls: GetItem, BatchGetItem, Query and Scan, one each. */
  reads(): number;
  /** Items asked for by reads: a GetItem 1, a BatchGetItem its keys, a Query or Scan 1. */
  readKeys(): number;
  /** Forgets everything counted so far. */
  reset(): void;
  /** Takes the counting middleware off the client. */
  stop(): void;
}

type Input = {
  RequestItems?: Record<string, unknown[] | { Keys?: unknown[] }>;
  TransactItems?: unknown[];
};

/**
 * Counts the DynamoDB operations a client sends (its own and those of every `DynamoDBDocumentClient.from(client)`),
 * with a middleware at the `initialize` step: once per `send`, so SDK retries are not counted twice.
 *
 * @example
 * const ddb = countDynamoCalls(client);
 * await worker.processBatch(event);
 * console.log(ddb.writes(), ddb.reads(), ddb.calls.get('UpdateItemCommand'));
 */
export function countDynamoCalls(client: DynamoDBClient): DynamoCalls {
  const calls = new Map<string, number>();
  let writes = 0;
  let reads = 0;
  let readKeys = 0;
  const name = `countDynamoCalls-${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName);
      const input = (args.input ?? {}) as Input;
      calls.set(command, (calls.get(command) ?? 0) + 1);
      if (SINGLE_WRITES.has(command)) writes++;
      else if (command === 'BatchWriteItemCommand') {
        for (const requests of Object.values(input.RequestItems ?? {})) {
          writes += Array.isArray(requests) ? requests.length : 0;
        }
      } else if (command === 'TransactWriteItemsCommand') writes += input.TransactItems?.length ?? 0;
      if (READS.has(command)) {
        reads++;
        if (command === 'BatchGetItemCommand') {
          for (const table of Object.values(input.RequestItems ?? {})) {
            readKeys += Array.isArray(table) ? 0 : (table.Keys?.length ?? 0);
          }
        } else readKeys++;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    calls,
    writes: () => writes,
    reads: () => reads,
    readKeys: () => readKeys,
    reset: () => {
      calls.clear();
      writes = 0;
      reads = 0;
      readKeys = 0;
    },
    stop: () => {
      client.middlewareStack.remove(name);
    },
  };
}
