import { type Logger, type Metrics, noopMetrics, silentLogger } from '@idp-sync/common';
import type { HttpFunctionConfig } from './config';
import { SecretsExtensionError } from './errors';
import { createSecretProvider, type SecretProvider } from './secrets/provider';

/** What an HTTP app on the router needs besides its routes; every field has a production default. */
export interface HttpRuntimeOptions {
  readonly config: HttpFunctionConfig;
  /** Defaults to {@link createSecretProvider}(config). */
  readonly secrets?: SecretProvider;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** The clock (epoch ms): verification tolerances and `receivedAt`. */
  readonly now?: () => number;
}

/** The resolved dependencies: the secret provider (cached), the SQS sender, logger, metrics and clock. */
export interface HttpRuntime {
  readonly secrets: SecretProvider;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
}

/**
 * The secret provider and SQS sender built one way for every HTTP function (the webhook ingest app and the SCIM app),
 * so both read secrets with the same cache and send with the same retries.
 *
 * @example
 * const { secrets, sender } = createHttpRuntime({ config: loadHttpFunctionConfig(process.env) });
 */
export function createHttpRuntime(options: HttpRuntimeOptions): HttpRuntime {
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
  return { secrets, logger, metrics, now };
}
