import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DEFAULT_HOST } from './defaults';
import { type LocalEndpoint, type LocalEndpointOptions, localClientConfig } from './local-endpoint';

/** A running DynamoDB stand-in (dynalite, in memory) on loopback. */
export type LocalDynamoDb = LocalEndpoint;

export type StartLocalDynamoDbOptions = LocalEndpointOptions;

/**
 * Starts dynalite (DynamoDB wire protocol, in memory) on 127.0.0.1. Tables become ACTIVE at once.
 *
 * @example
 * const ddb = await startLocalDynamoDb();
 * const client = localDynamoDbClient(ddb);
 * await ddb.stop();
 */
export async function startLocalDynamoDb(options: StartLocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const host = options.host ?? DEFAULT_HOST;
  const region = options.region ?? 'us-east-1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // `once` rejects on an 'error' (EADDRINUSE…) emitted before 'listening'.
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    region,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A DynamoDB client for a local endpoint with static dummy credentials. */
export function localDynamoDbClient(ddb: Pick<LocalDynamoDb, 'endpoint' | 'region'>): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(ddb));
}
