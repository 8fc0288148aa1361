export { createIngestApp, HEALTH_PATH, type IngestApp, type IngestAppOptions, WEBHOOK_PATHS } from './app';
export {
  type IngestConfig,
  loadIngestConfig,
  SECRET_ENV,
  SECRET_NAMES,
  type SecretName,
  type SecretSource,
} from './config';
export { ConfigError, type FieldError, IngestError, ProblemError, SecretUnavailableError } from './errors';
export { type IngestLogger, silentLogger } from './logger';
export {
  createMemoryMetrics,
  INGEST_METRIC,
  type IngestMetricName,
  type IngestMetrics,
  type MemoryMetrics,
  noopMetrics,
  powertoolsIngestMetrics,
} from './metrics';
export { jsonResponse, PROBLEM_TYPE_PREFIX, type ProblemBody, problemResponse } from './problem';
export { assertBodySize, assertJsonContentType, MAX_BODY_BYTES, parseJsonBody } from './request';
export {
  createRouter,
  errorToResponse,
  type IngestRoute,
  type RouteHandler,
  type RouteMatch,
  withOutcome,
} from './router';
export { createIngestRuntime, type IngestRuntime, type IngestRuntimeOptions } from './runtime';
export { parseSecretValue } from './secret-value';
export {
  createSecretProvider,
  type SecretFetcher,
  type SecretProvider,
  type SecretProviderOptions,
  secretsManagerFetcher,
} from './secrets';
export { type WebhookRouteDeps, type WebhookRouteOptions, webhookRoute } from './webhook-route';
