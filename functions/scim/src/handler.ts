import {
  httpFunctionObservability,
  loadHttpFunctionConfig,
  observeInvocation,
  toApiGatewayResult,
  toHttpRequest,
} from '@idp-sync/http';

import { createScimApp } from '@idp-sync/scim';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const observability = httpFunctionObservability(process.env, 'idp-sync-scim');

// Validated once, at INIT: the queue, the bearer token (SCIM_BEARER_TOKEN or SCIM_BEARER_TOKEN_SECRET_ARN) and the
// SCIM settings (STATE_TABLE_NAME, SCIM_*); a misconfigured function fails here with a message naming what to set.
const app = createScimApp({
  config: loadHttpFunctionConfig(process.env),
  ...observability,
  // The Users API client is a file of its own beside the bundle, loaded by the first Users API lookup only.
  scim: { loadUsersApiLookup: () => import('./users-api-lookup.mjs') },
});

async function scim(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return toApiGatewayResult(await app.handle(toHttpRequest(event)));
}

/**
 * The SCIM Lambda (API Gateway HTTP API, payload v2): Entra ID's SCIM 2.0 service under `/scim/v2/*`; any other path
 * answers a 404 problem. Its own function so that Entra's synchronous traffic neither shares concurrency with webhook
 * bursts nor weighs on the webhook function's cold start, and so that only this function may touch the state table.
 * Thin on purpose — everything lives in `@idp-sync/scim`'s `createScimApp`.
 *
 * The event is never logged (it holds the bearer token and personal data). Logs are JSON lines and metrics EMF lines,
 * as in the webhook function.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Scim', { entry: 'functions/scim/src/handler.ts', handler: 'handler' })
 */
export const handler = middy(scim).use(observeInvocation(observability));
