export { createIngestApp, HEALTH_PATH, type IngestApp, type IngestAppOptions, WEBHOOK_PATHS } from './app';
export {
  type IngestConfig,
  loadIngestConfig,
  SECRET_ENV,
  SECRET_NAMES,
  type SecretName,
  type SecretSource,
} from './config';
export { COLD_START_METRIC, createEmfMetrics, type EmfMetrics, type EmfMetricsOptions } from './emf-metrics';
export { ConfigError, type FieldError, IngestError, ProblemError, SecretUnavailableError } from './errors';
export {
  createJsonLogger,
  type JsonLogger,
  type JsonLoggerOptions,
  LOG_LEVEL_ENV,
  LOG_LEVEL_RANK,
  LOG_LEVELS,
  type LogLevel,
  logLevelFromEnv,
} from './json-logger';
export { type HttpFunctionObservability, httpFunctionObservability, observeInvocation } from './lambda-observability';
export { type IngestLogger, silentLogger } from './logger';
export {
  createMemoryMetrics,
  INGEST_METRIC,
  type IngestMetricName,
  type IngestMetrics,
  type MemoryMetrics,
  noopMetrics,
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
  STALE_RETRY_MS,
} from './secrets';
export {
  PARAMETERS_SECRETS_EXTENSION_DEFAULT_PORT,
  PARAMETERS_SECRETS_EXTENSION_PORT_ENV,
  PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS,
  PARAMETERS_SECRETS_TOKEN_HEADER,
  type ParametersSecretsExtensionOptions,
  parametersSecretsExtensionFetcher,
  SecretsExtensionError,
} from './secrets-extension';
export { type WebhookRouteDeps, type WebhookRouteOptions, webhookRoute } from './webhook-route';
