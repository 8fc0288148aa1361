import { SQSClient } from '@aws-sdk/client-sqs';
import { type CommandSender, createSqsCommandSender } from '../queue';
import type { IngestConfig } from './config';
import { type IngestLogger, silentLogger } from './logger';
import { type IngestMetrics, noopMetrics } from './metrics';
import { createSecretProvider, type SecretProvider } from './secrets';
import { SecretsExtensionError } from './secrets-extension';

/** What an HTTP app on the ingest router needs besides its routes; every field has a production default. */
export interface IngestRuntimeOptions {
  readonly config: IngestConfig;
  /** Defaults to a client for `config.region` / `config.sqsEndpoint`. */
  readonly sqsClient?: Pick<SQSClient, 'send'>;
  /** Replaces the SQS sender entirely (tests). */
  readonly sender?: CommandSender;
  /** Defaults to {@link createSecretProvider}(config). */
  readonly secrets?: SecretProvider;
  readonly logger?: IngestLogger;
  readonly metrics?: IngestMetrics;
  /** The clock (epoch ms): verification tolerances and `receivedAt`. */
  readonly now?: () => number;
}

/** The resolved dependencies: the secret provider (cached), the SQS sender, logger, metrics and clock. */
export interface IngestRuntime {
  readonly secrets: SecretProvider;
  readonly sender: CommandSender;
  readonly logger: IngestLogger;
  readonly metrics: IngestMetrics;
  readonly now: () => number;
}

/**
 * The secret provider and SQS sender built one way for every HTTP function (the webhook ingest app and the SCIM app),
 * so both read secrets with the same cache and send with the same retries.
 *
 * @example
 * const { secrets, sender } = createIngestRuntime({ config: loadIngestConfig(process.env) });
 */
export function createIngestRuntime(options: IngestRuntimeOptions): IngestRuntime {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetrics;
  const now = options.now ?? Date.now;
  const secrets =
    options.secrets ??
    createSecretProvider(config, {
      now,
      onStale: (name, error) =>
        logger.warn('secret refresh failed; using the cached value', {
          secret: name,
          error: (error as Error)?.name,
          // The extension's messages are written to be logged (no secret, no token); other errors might quote anything.
          ...(error instanceof SecretsExtensionError ? { reason: error.message } : {}),
        }),
    });
  const sender =
    options.sender ??
    createSqsCommandSender({
      client:
        options.sqsClient ??
        new SQSClient({ region: config.region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) }),
      queueUrl: config.queueUrl,
      maxAttempts: config.sqsSendAttempts,
    });
  return { secrets, sender, logger, metrics, now };
}
