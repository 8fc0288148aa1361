export { BatchStateView, type PersonStateStore } from './batch-view';
export { StateStoreError } from './errors';
export { createIdempotencyPersistence, IDEMPOTENCY_KEY_PREFIX } from './idempotency';
export {
  type IdentityLink,
  IdentityLinkRepository,
  type IdentityLinkRepositoryOptions,
  identityLinkKey,
  linkedAddressKey,
  type SourceUserRef,
  sourceUserKey,
} from './identity-links';
export { PersonStateRepository, type PersonStateRepositoryOptions, personKey, watermarkMs } from './person-state';
export { createStateTable, DEFAULT_STATE_TABLE_NAME, STATE_TABLE_KEY, STATE_TABLE_TTL_ATTRIBUTE } from './table';
export {
  type AppliedChange,
  PERSON_STATUSES,
  type PersonState,
  type PersonStatus,
  type RecordAppliedResult,
} from './types';
export { type EffectiveWatermark, effectiveWatermark } from './watermark';
