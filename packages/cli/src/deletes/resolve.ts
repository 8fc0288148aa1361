import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_STATE_TABLE_NAME } from '@idp-sync/contracts';
import { DEFAULT_DYNAMODB_ENDPOINT } from '@idp-sync/local-stack/defaults';
import * as z from 'zod';
import type { CommandContext } from '../context';
import { pickOutput, stackOutputs } from '../dlq/queues';
import { CliError, QueueResolutionError, UsageError } from '../errors';
import { createDynamoDbClient, GuardStore } from './store';

/** The CloudFormation output the deployed stack publishes its state table under. */
export const STACK_OUTPUT_STATE_TABLE = 'StateTableName';

/** Where the state table comes from, as typed on the command line. */
export interface TableFlags {
  table?: string;
  stack?: string;
  region?: string;
  dynamodbEndpoint?: string;
}

const unsetIfBlank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const EnvSchema = z.object({
  DYNAMODB_ENDPOINT: z.preprocess(
    unsetIfBlank,
    z.url({ message: `must be a URL such as ${DEFAULT_DYNAMODB_ENDPOINT}` }).optional(),
  ),
  IDP_SYNC_STATE_TABLE: z.preprocess(unsetIfBlank, z.string().min(3).max(255).default(DEFAULT_STATE_TABLE_NAME)),
  AWS_REGION: z.preprocess(unsetIfBlank, z.string().optional()),
  AWS_DEFAULT_REGION: z.preprocess(unsetIfBlank, z.string().optional()),
});

/** The state table a `deletes` command works on. */
export interface OpenedTable {
  store: GuardStore;
  client: DynamoDBClient;
  table: string;
  where: string;
}

/**
 * Resolves the state table like the `dlq` commands resolve their queues: `--table NAME` (AWS, or
 * `--dynamodb-endpoint`); else `--stack NAME` (its `StateTableName` output); else the local stack (`DYNAMODB_ENDPOINT`,
 * default http://127.0.0.1:8000, table `IDP_SYNC_STATE_TABLE`, default idp-sync-state).
 *
 * @example
 * const { store } = await openTable(ctx, opts);
 */
export async function openTable(ctx: CommandContext, flags: TableFlags): Promise<OpenedTable> {
  const parsed = EnvSchema.safeParse(ctx.io.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new UsageError(`environment variable ${name} ${issue?.message ?? 'is invalid'}`, `fix or unset ${name}`);
  }
  const env = parsed.data;
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (flags.table !== undefined && flags.stack !== undefined) {
    throw new UsageError('--stack and --table both name the state table', 'pass one or the other');
  }
  let table: string;
  let endpoint: string | undefined;
  let where: string;
  if (flags.table !== undefined) {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(flags.table)) {
      throw new UsageError(`--table "${flags.table}" is not a DynamoDB table name`, 'pass the table name exactly');
    }
    table = flags.table;
    endpoint = flags.dynamodbEndpoint;
    where = `table ${table}${endpoint ? ` at ${endpoint}` : region ? ` (${region})` : ''}`;
  } else if (flags.stack !== undefined) {
    table = await stackTable(ctx, flags.stack, region);
    endpoint = flags.dynamodbEndpoint;
    where = `stack ${flags.stack}${region ? ` (${region})` : ''}`;
  } else {
    endpoint = flags.dynamodbEndpoint ?? env.DYNAMODB_ENDPOINT ?? DEFAULT_DYNAMODB_ENDPOINT;
    table = env.IDP_SYNC_STATE_TABLE;
    where = `the local stack at ${endpoint} (table ${table})`;
  }
  ctx.errorContext.where = where;
  const client = createDynamoDbClient({ endpoint, region });
  return { store: new GuardStore(client, table), client, table, where };
}

async function stackTable(ctx: CommandContext, stack: string, region: string | undefined): Promise<string> {
  const outputs = await stackOutputs(stack, region, { cloudFormation: ctx.cloudFormation });
  const table = pickOutput(outputs, STACK_OUTPUT_STATE_TABLE, (key) => /statetablename/i.test(key));
  if (!table) {
    throw new QueueResolutionError(
      `stack "${stack}" has no output ${STACK_OUTPUT_STATE_TABLE}`,
      'deploy the current infra (it outputs StateTableName), or pass --table NAME',
    );
  }
  return table;
}

/**
 * A DynamoDB failure as an on-call message that says what to do.
 *
 * @example
 * catch (error) { throw tableError(error, opened.where); }
 */
export function tableError(error: unknown, where: string): unknown {
  if (error instanceof CliError || !(error instanceof Error)) return error;
  const text = `${error.name} ${error.message}`;
  if (/ResourceNotFound/i.test(text)) {
    return new CliError(
      `the state table of ${where} does not exist`,
      'start the local stack (npm start), or point at AWS with --stack NAME or --table NAME',
      { cause: error },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|connect|socket/i.test(text)) {
    return new CliError(
      `cannot reach DynamoDB for ${where}: ${error.message}`,
      'start the local stack (npm start) or check --dynamodb-endpoint / DYNAMODB_ENDPOINT',
      { cause: error },
    );
  }
  if (/AccessDenied|UnrecognizedClient|ExpiredToken|credentials/i.test(text)) {
    return new CliError(
      `AWS refused access to the state table of ${where}: ${error.message}`,
      'sign in (aws sso login / AWS_PROFILE) with a role allowed dynamodb:Query, GetItem and UpdateItem on the state table (see packages/cli/README.md)',
      { cause: error },
    );
  }
  return error;
}
