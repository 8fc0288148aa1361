import { httpFunctionObservability, observeInvocation } from '@idp-sync/http';
import { createReconcileRuntime, loadReconcileFunctionConfig } from '@idp-sync/reconcile/lambda';
import { createDynamoDbScimUserStore, scimDirectorySource } from '@idp-sync/scim/service';
import middy from '@middy/core';

// Validated at module load: a misconfigured function fails at INIT with a message naming every variable to fix.
const config = loadReconcileFunctionConfig();
const observability = httpFunctionObservability(process.env, 'idp-sync-reconcile');
const runtime = createReconcileRuntime({
  config,
  logger: observability.logger,
  metrics: observability.metrics,
  sources: ({ dynamoClient, tableName }) => ({
    scim: scimDirectorySource(createDynamoDbScimUserStore({ client: dynamoClient, tableName })),
  }),
});

/**
 * The scheduled reconcile Lambda (an EventBridge rule, daily by default): compares each configured source of truth
 * (the SCIM store, Okta, WorkOS) with the Users API, publishes drift metrics and logs counts (never emails); applies
 * what `RECONCILE_APPLY` allows through the work queue. All logic lives in `@idp-sync/reconcile`.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Reconcile', { entry: 'functions/reconcile/src/handler.ts' })
 */
export const handler = middy(async () => {
  const results = await runtime.run();
  const failed = results.filter((r) => r.error !== undefined);
  // A source that could not be read fails the invocation, so the function's Errors metric (alarmed) says so.
  if (failed.length > 0) throw new Error(`reconcile failed for ${failed.map((r) => r.source).join(', ')}: see the log`);
  return results.map(({ source, counts, sent }) => ({ source, counts, sent }));
}).use(observeInvocation(observability));
