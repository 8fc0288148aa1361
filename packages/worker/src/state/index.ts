export { BatchStateView } from './batch-view';
export {
  type Admission,
  DEFAULT_DELETION_GUARD,
  type DeleteVerdict,
  type DeletionGuardConfig,
  DeletionGuardRepository,
  deletionLimit,
  type HoldSubject,
} from './deletion-guard';
export { createIdempotencyPersistence, IDEMPOTENCY_KEY_PREFIX } from './idempotency';
export { IdentityLinkRepository, identityLinkKey } from './identity-links';
export { MAX_RECORDED_GROUPS, PersonStateRepository, personKey, watermarkMs } from './person-state';
export type { AppliedChange, PersonState } from './types';
export { effectiveWatermark } from './watermark';
