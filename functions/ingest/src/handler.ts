import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import {
  createIngestApp,
  loadIngestConfig,
  powertoolsIngestMetrics,
  toApiGatewayResult,
  toIngestRequest,
} from '@idp-sync/provisioning';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'idp-sync-ingest' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'idp-sync',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'idp-sync-ingest',
});

// Validated once, at INIT: a misconfigured function fails here with a message naming every variable to fix.
const app = createIngestApp({
  config: loadIngestConfig(process.env),
  logger,
  metrics: powertoolsIngestMetrics(metrics),
});

async function ingest(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return toApiGatewayResult(await app.handle(toIngestRequest(event)));
}

/**
 * The webhook ingest Lambda (API Gateway HTTP API, payload v2): webhook routes and health. SCIM is its own Lambda
 * (`functions/scim`).
 * Thin on purpose — everything lives in `@idp-sync/provisioning`'s `createIngestApp`.
 *
 * The event is never logged (it holds secrets and personal data), whatever POWERTOOLS_LOGGER_LOG_EVENT says.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Ingest', { entry: 'functions/ingest/src/handler.ts', handler: 'handler' })
 */
export const handler = middy(ingest)
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
