export { BAMBOOHR_EVENT_ACTIONS, type BambooAdapterOptions, createBambooAdapter } from './bamboohr';
export { BAMBOOHR_DEFAULT_TOLERANCE_MS, bambooTimestampMs, verifyBambooSignature } from './bamboohr-signature';
export { buildCommand, type CommandDraft, emailAt } from './build-command';
export { constantTimeEqual, hmacSha256 } from './crypto';
export { PayloadError, VerificationError } from './errors';
export { assertWithinLimit, DELIVERY_LIMITS } from './fan-out';
export { createHrAdapter, type HrAdapterOptions } from './hr';
export {
  HR_BULK_LEAVE_MAX,
  HR_EVENT_TYPES,
  type HrEventData,
  type HrEventType,
  type HrWebhook,
  HrWebhookSchema,
  hrSchemas,
} from './hr-schema';
export { STANDARD_WEBHOOKS_TOLERANCE_MS, standardWebhooksSecretProblem, verifyStandardWebhook } from './hr-signature';
export { formatPath } from './issues';
export {
  createOktaAdapter,
  OKTA_EVENT_ACTIONS,
  type OktaAdapterOptions,
  type OktaMembershipEvents,
  type OktaSuspendAction,
} from './okta';
export { DEFAULT_OKTA_AUTH_HEADER, verifyOktaAuthHeader } from './okta-auth';
export { parseSourceTimestamp, toIsoTimestamp } from './timestamps';
export type {
  IgnoredEvent,
  NormalizeContext,
  NormalizeResult,
  SecretValues,
  SourceAdapter,
  VerifiedDelivery,
  WebhookSource,
} from './types';
export { createWorkosAdapter, WORKOS_EVENT_ACTIONS, type WorkosAdapterOptions } from './workos';
export { parseWorkosSignatureHeader, verifyWorkosSignature, WORKOS_DEFAULT_TOLERANCE_MS } from './workos-signature';
