export { checkCommand } from './command/checked';
export { type PersonFacts, PersonFactsSchema } from './command/facts';
export { commandFingerprint } from './command/fingerprint';
export { deduplicationIdFor, messageGroupIdFor, messageGroupIdOf } from './command/message';
export { MAX_OCCURRED_AT_SKEW_MS } from './command/occurred-at';
export {
  COMMAND_ACTIONS,
  COMMAND_SOURCES,
  COMMAND_VERSION,
  type CommandAction,
  type CommandSource,
  CustomRoleIdSchema,
  EmailSchema,
  INVITE_MODES,
  type InviteMode,
  PREDEFINED_ROLES,
  type PredefinedRole,
  type ProvisioningCommand,
  ProvisioningCommandSchema,
  SOURCE_USER_ID_PATTERN,
  SourceUserIdSchema,
  TimestampSchema,
} from './command/schema';
export {
  approvedDeleteDeduplicationId,
  DELETION_APPROVED_ATTRIBUTE,
  HELD_DELETE_STATUSES,
  type HeldDeleteStatus,
  MAX_HELD_BODY_BYTES,
} from './deletion-guard';
export type { DirectoryPerson, DirectorySource } from './directory';
export {
  DLQ_ATTRIBUTES,
  type DlqAttribute,
  type DlqOrigin,
  dlqMessageGroupId,
  formatDlqOrigin,
  parseDlqOrigin,
  regroupDeduplicationId,
} from './dlq';
export {
  deleteKind,
  EXPLICIT_TERMINATIONS,
  formatGracePeriod,
  MAX_GRACE_PERIOD_MS,
  PENDING_DELETE_PK,
  PENDING_DELETE_STATUSES,
  type PendingDeleteStatus,
  parseGracePeriod,
  pendingDeleteSortKey,
  releasedDeleteDeduplicationId,
} from './grace-period';
export { QueueSendError } from './queue/errors';
export {
  type CommandQueueOptions,
  type CommandQueueSettings,
  type CommandSender,
  commandSenderFor,
  createSqsCommandSender,
} from './queue/sender';
export { chooseRole, type PolicyRole, parseRolePolicy, type RolePolicyRule } from './role-policy';
export {
  createStateTable,
  DEFAULT_STATE_TABLE_NAME,
  DELETION_GUARD_KEY,
  groupValuesOfSource,
  HELD_DELETE_PK,
  heldDeleteSortKey,
  isConditionalCheckFailure,
  MAX_RECORDED_GROUPS,
  PERSON_STATE_PREFIX,
  PERSON_STATE_SORT_KEY,
  personGroupsUpdate,
  personStateKey,
  STATE_TABLE_KEY,
  STATE_TABLE_TTL_ATTRIBUTE,
  tagGroupValues,
} from './state-table';
