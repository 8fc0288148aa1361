export { registerDlqCommands } from './commands/dlq';
export { isQuiet } from './commands/start/quiet';
export { describeStackEvent } from './commands/start/stack-events';
export { type CliConfig, loadConfig } from './config';
export type { CommandContext } from './context';
export { describeError, type ErrorContext, type ErrorReport } from './describe-error';
export {
  assertPersonTagsUnambiguous,
  type DlqFilter,
  isEmptyFilter,
  matchesFilter,
  parseFilter,
  type RawFilterOptions,
} from './dlq/filters';
export { type DlqDetail, type DlqRow, renderDetail, renderTable, toDetail, toRow } from './dlq/format';
export { toDlqEntry, WORKER_ATTRIBUTE_NAMES } from './dlq/message';
export { nextStep } from './dlq/next-step';
export { orderByPerson, orderOnePerson, type PersonMessages } from './dlq/order';
export { isPermanentFailure, PERMANENT_FAILURE_CLASSES } from './dlq/permanent';
export { type PlanOptions, planReplay, type ReplayPlan } from './dlq/plan';
export {
  createSqsClient,
  type QueueFlags,
  type ResolvedQueues,
  resolveQueues,
  STACK_OUTPUT_DLQ_URL,
  STACK_OUTPUT_QUEUE_URL,
} from './dlq/queues';
export { READ_VISIBILITY_SECONDS, type ReadResult, readDlq, type ScanResult, scanDlq } from './dlq/reader';
export {
  DEFAULT_REPLAY_CONCURRENCY,
  REPLAY_VISIBILITY_SECONDS,
  ReplayAbortedError,
  type ReplayOptions,
  type ReplayProgress,
  type ReplayResult,
  replayDeduplicationId,
  replayMessages,
} from './dlq/replay';
export { ReplayPacer } from './dlq/replay-pacer';
export { type DlqEntry, REDRIVE_REASON } from './dlq/types';
export { VisibilityHold } from './dlq/visibility';
export { countResults, renderResults, runDoctor } from './doctor/run';
export { looksGenerated, type SecretKind, secretFormatProblem, usersApiKeyOf } from './doctor/secret-format';
export { DOCTOR_EVENT_TYPE } from './doctor/test-events';
export type { CheckResult, CheckStatus } from './doctor/types';
export {
  CliError,
  EXIT_ERROR,
  EXIT_OK,
  EXIT_USAGE,
  QueueResolutionError,
  ReplayIncompleteError,
  UsageError,
} from './errors';
export { interruptNotice } from './interrupt';
export type { CliIo, InputStream, OutputStream } from './io';
export {
  PERSON_TAG_KEY_VARIABLE,
  PERSON_TAG_LENGTH,
  type PersonTagger,
  parsePersonTag,
  personTaggerFrom,
  publicPersonTagger,
} from './person-tag';
export { buildProgram, COMMANDS, type CommandRegistrar, runCli } from './program';
export { type ProgressCounts, ReplayProgressDisplay } from './progress';
export { renderColumns, type TableColumn, tableWidth } from './table';
