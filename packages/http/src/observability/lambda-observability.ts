import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { EmfMetrics } from './emf-metrics';
import { createEmfMetrics } from './emf-metrics';
import type { JsonLogger } from './json-logger';
import { createJsonLogger, logLevelFromEnv } from './json-logger';

export interface HttpFunctionObservability {
  readonly logger: JsonLogger;
  readonly metrics: EmfMetrics;
}

/**
 * The logger and metrics of an HTTP function, configured from the variables the stack sets for every function:
 * `POWERTOOLS_SERVICE_NAME` (the `service` key and dimension), `POWERTOOLS_METRICS_NAMESPACE` and
 * the level (`AWS_LAMBDA_LOG_LEVEL`, Lambda's own control, then `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`), and
 * `POWERTOOLS_METRICS_DISABLED=true` to write no metrics (the local stack sets it). Throws a `ConfigError` at INIT for a bad level.
 *
 * @example
 * const { logger, metrics } = httpFunctionObservability(process.env, 'idp-sync-ingest');
 */
export function httpFunctionObservability(
  env: Readonly<Record<string, string | undefined>>,
  defaultServiceName: string,
): HttpFunctionObservability {
  const serviceName = env.POWERTOOLS_SERVICE_NAME?.trim() || defaultServiceName;
  return {
    logger: createJsonLogger({ serviceName, level: logLevelFromEnv(env) }),
    metrics: createEmfMetrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || 'idp-sync',
      serviceName,
      disabled: env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase() === 'true',
    }),
  };
}

/**
 * middy middleware: before each invocation, the logger gets the request id and whether this is the instance's cold
 * start (counted once as a `ColdStart` metric); after it — answered or thrown — the buffered metrics are written.
 * The event is never logged: it holds secrets and personal data.
 *
 * @example
 * export const handler = middy(ingest).use(observeInvocation(httpFunctionObservability(process.env, 'idp-sync-ingest')));
 */
export function observeInvocation({ logger, metrics }: HttpFunctionObservability): MiddlewareObj<unknown, unknown> {
  // Provisioned concurrency and SnapStart instances are initialised ahead of traffic: their first invocation is not a
  // cold start (as Powertools counts it). Outside Lambda the variable is unset: the first invocation is.
  const initializationType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim();
  let coldStart = initializationType === undefined || initializationType === '' || initializationType === 'on-demand';
  const flush = async () => {
    metrics.flush();
  };
  return {
    before: async (request) => {
      const context = request.context as Partial<Context>;
      logger.setInvocation({
        cold_start: coldStart,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      });
      if (coldStart && context.functionName) metrics.coldStart(context.functionName);
      coldStart = false;
    },
    after: flush,
    onError: flush,
  };
}
