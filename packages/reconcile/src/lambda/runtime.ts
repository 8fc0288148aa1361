import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Logger, type Metrics, ownField } from '@idp-sync/common';
import { createSqsCommandSender, type DirectorySource } from '@idp-sync/contracts';
import { createUsersClient } from '@idp-sync/users-client';
import { runScheduledCheck, type ScheduledSourceResult } from '../scheduled';
import { oktaDirectorySource } from '../sources/okta/okta.source';
import { workosDirectorySource } from '../sources/workos/workos.source';
import { ReconcileConfigError, type ReconcileFunctionConfig, type SecretSetting } from './config';

/** A secret's value: local, or from Secrets Manager (bare, or JSON with one of `fields`). Read afresh every run. */
async function secretValue(setting: SecretSetting, variable: string, fields: readonly string[]): Promise<string> {
  if ('value' in setting) return setting.value;
  const raw = await getSecret(setting.arn, { maxAge: 60 });
  let value: unknown = typeof raw === 'string' ? raw.trim() : undefined;
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      value = fields.map((f) => ownField(parsed, f)).find((v) => typeof v === 'string');
    } catch {
      value = undefined;
    }
  }
  if (typeof value !== 'string' || value === '') {
    throw new ReconcileConfigError([
      `${variable}: the secret holds no value (a bare string, or JSON with ${fields.join(' or ')})`,
    ]);
  }
  return value;
}

export interface ReconcileRuntimeOptions {
  readonly config: ReconcileFunctionConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Sources other packages provide (the SCIM store: `scimDirectorySource` of `@idp-sync/scim/service`), built from
   * the runtime's DynamoDB client. Okta and WorkOS are built here from the configuration.
   */
  readonly sources?: (clients: {
    dynamoClient: DynamoDBClient;
    tableName: string;
  }) => Partial<Record<'scim', DirectorySource>>;
}

/**
 * The scheduled reconcile, with its AWS clients built once per execution environment. Each `run` reads the secrets,
 * snapshots every configured source and reports (or applies, as configured).
 *
 * @example
 * const runtime = createReconcileRuntime({ config: loadReconcileFunctionConfig(), logger, metrics, sources });
 * export const handler = () => runtime.run();
 */
export function createReconcileRuntime(options: ReconcileRuntimeOptions): { run(): Promise<ScheduledSourceResult[]> } {
  const { config } = options;
  const dynamoClient = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const sqsClient = new SQSClient({
    region: config.region,
    ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
  });
  const provided = options.sources?.({ dynamoClient, tableName: config.stateTableName }) ?? {};
  return {
    async run() {
      const sources: DirectorySource[] = [];
      for (const name of config.sources) {
        if (name === 'scim') {
          if (provided.scim === undefined)
            throw new ReconcileConfigError(['RECONCILE_SOURCES: scim is not available in this function']);
          sources.push(provided.scim);
        } else if (name === 'okta' && config.okta !== undefined) {
          sources.push(
            oktaDirectorySource({
              orgUrl: config.okta.orgUrl,
              token: await secretValue(config.okta.token, 'OKTA_API_TOKEN_SECRET_ARN', [
                'token',
                'apiToken',
                'OKTA_API_TOKEN',
              ]),
              scope: config.okta.scope,
              suspended: config.okta.suspended,
            }),
          );
        } else if (name === 'workos' && config.workos !== undefined) {
          sources.push(
            workosDirectorySource({
              directoryId: config.workos.directoryId,
              apiKey: await secretValue(config.workos.apiKey, 'WORKOS_API_KEY_SECRET_ARN', [
                'apiKey',
                'WORKOS_API_KEY',
              ]),
              ...(config.workos.baseUrl === undefined ? {} : { baseUrl: config.workos.baseUrl }),
            }),
          );
        }
      }
      const users = createUsersClient({
        apiKey: await secretValue(config.usersApiKey, 'ARIZE_API_KEY_SECRET_ARN', ['apiKey', 'ARIZE_API_KEY']),
        ...(config.usersApiBaseUrl === undefined ? {} : { baseUrl: config.usersApiBaseUrl }),
        userAgent: 'idp-sync-reconcile',
      });
      try {
        return await runScheduledCheck({
          sources,
          users: users.users,
          dynamoClient,
          tableName: config.stateTableName,
          scope: config.domains,
          apply: config.apply,
          ...(config.apply !== 'report' && config.queueUrl !== undefined
            ? { sender: createSqsCommandSender({ client: sqsClient, queueUrl: config.queueUrl }) }
            : {}),
          metrics: options.metrics,
          logger: options.logger,
        });
      } finally {
        await users.close();
      }
    },
  };
}
