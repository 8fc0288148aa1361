// `@idp-sync/webhooks/sources`: the pieces of each source, and the route that serves one, for tests and benches that
// exercise them apart from the app.
export { VerificationError } from '../errors';
export { webhookRoute } from '../webhook-route';
export { createBambooAdapter } from './bamboohr/adapter';
export { bambooTimestampMs, verifyBambooSignature } from './bamboohr/verify';
export { buildCommand } from './build-command';
export { DELIVERY_LIMITS } from './fan-out';
export { createHrAdapter } from './hr/adapter';
export { HR_BULK_LEAVE_MAX } from './hr/schema';
export { verifyStandardWebhook } from './hr/verify';
export { formatPath } from './issues';
export { createOktaAdapter } from './okta/adapter';
export { parseSourceTimestamp, toIsoTimestamp } from './timestamps';
export type { SourceAdapter } from './types';
export { createWorkosAdapter } from './workos/adapter';
export { parseWorkosSignatureHeader, verifyWorkosSignature } from './workos/verify';
