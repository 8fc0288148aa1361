export { toAsciiLowerCase } from './ascii-case';
export { mapWithConcurrency } from './concurrency';
export { constantTimeEqual, hexDigestMatches, hmacSha256 } from './crypto';
export {
  describeEnvIssues,
  httpUrl,
  integer,
  list,
  optionalString,
  readAs,
  readOptional,
  seconds,
} from './env';
export { ConfigError } from './errors';
export { lazy } from './lazy';
export { type Logger, silentLogger } from './logger';
export { type MetricDimensions, type Metrics, noopMetrics } from './metrics';
export { redactEmail, redactEmailOrDigest, redactEmailsIn } from './redact';
export { isTransientFailure, type TransientFailure } from './transient';
export { MAX_JSON_DEPTH, ownField, PROTOTYPE_KEYS, parseUntrustedJson } from './untrusted-json';
export { useEnglishZodMessages } from './zod-locale';
