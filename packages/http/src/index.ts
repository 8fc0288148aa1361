export {
  type HttpFunctionConfig,
  loadHttpFunctionConfig,
  readHttpFunctionConfig,
  SECRET_ENV,
  type SecretName,
} from './config';
export { type FieldError, PayloadError, ProblemError, SecretUnavailableError } from './errors';
export { LOG_LEVEL_ENV, LOG_LEVEL_RANK, type LogLevel } from './observability/json-logger';
export { httpFunctionObservability, observeInvocation } from './observability/lambda-observability';
export { INGEST_METRIC } from './observability/metrics';
export { toApiGatewayResult, toHttpRequest } from './routing/api-gateway';
export { jsonResponse } from './routing/problem';
export { assertBodySize, assertJsonContentType, parseJsonBody } from './routing/request';
export { createRouter, errorToResponse, type HttpRoute, withOutcome } from './routing/router';
export { createHttpRuntime, type HttpRuntimeOptions } from './runtime';
export type { SecretProvider } from './secrets/provider';
export { parseSecretValue, type SecretValues } from './secrets/secret-value';
export type { HttpApp, HttpRequest, HttpResponse } from './types';
