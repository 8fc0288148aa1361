/**
 * The message attributes the worker writes on a command it dead-letters (SQS allows ten on a message): why it
 * failed, how often it was received, when it was first seen and when it failed, and which command and message it
 * was. The CLI reads them (`dlq list`/`show`) and leaves them off a message it replays; `replayCount` is set by the
 * replay and carried over by the worker when a replayed message fails again, so the count adds up across replays.
 * The names are part of the queue contract: renaming one breaks messages already in the DLQ.
 */
export const DLQ_ATTRIBUTES = [
  'errorClass',
  'httpStatus',
  'errorMessage',
  'retryable',
  'receiveCount',
  'firstSeenAt',
  'failedAt',
  'commandId',
  'originalMessageId',
  'replayCount',
] as const;

/** One of {@link DLQ_ATTRIBUTES}. */
export type DlqAttribute = (typeof DLQ_ATTRIBUTES)[number];
