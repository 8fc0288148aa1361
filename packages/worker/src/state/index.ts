export { BatchStateView } from './batch-view';
export { createIdempotencyPersistence, IDEMPOTENCY_KEY_PREFIX } from './idempotency';
export { IdentityLinkRepository, identityLinkKey } from './identity-links';
export { PersonStateRepository, personKey, watermarkMs } from './person-state';
export type { AppliedChange, PersonState } from './types';
export { effectiveWatermark } from './watermark';
