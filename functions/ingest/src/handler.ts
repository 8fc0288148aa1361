import { httpFunctionObservability, observeInvocation, toApiGatewayResult, toHttpRequest } from '@idp-sync/http';
import { createIngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Validated once, at INIT: a misconfigured function fails here with a message naming every variable to fix.
const observability = httpFunctionObservability(process.env, 'idp-sync-ingest');
const app = createIngestApp({ config: loadIngestConfig(process.env), ...observability });

async function ingest(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return toApiGatewayResult(await app.handle(toHttpRequest(event)));
}

/**
 * The webhook ingest Lambda (API Gateway HTTP API, payload v2): webhook routes and health. SCIM is its own Lambda
 * (`functions/scim`).
 * Thin on purpose — everything lives in `@idp-sync/webhooks`' `createIngestApp`. Logs are JSON lines and metrics EMF
 * lines written by `@idp-sync/http` (no Powertools here: the cold-start budget is ≤ 1.3× a bare SQS client).
 * The event is never logged (it holds secrets and personal data).
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Ingest', { entry: 'functions/ingest/src/handler.ts', handler: 'handler' })
 */
export const handler = middy(ingest).use(observeInvocation(observability));
export { toApiGatewayResult, toHttpRequest } from '@idp-sync/http';
