export { toAsciiLowerCase } from './ascii-case';
export { checkCommand, isCheckedCommand } from './checked';
export { commandFingerprint } from './fingerprint';
export { type CommandMessage, deduplicationIdFor, messageGroupIdFor, toCommandMessage } from './message';
export { boundOccurredAt, MAX_OCCURRED_AT_SKEW_MS, type OccurredAtFields } from './occurred-at';
export {
  COMMAND_ACTIONS,
  COMMAND_SOURCES,
  COMMAND_VERSION,
  type CommandAction,
  type CommandSource,
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
} from './schema';
