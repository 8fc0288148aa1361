export { InvalidCommandError, QueueSendError } from './errors';
export { type CommandSender, createSqsCommandSender, SQS_BATCH_SIZE, type SqsCommandSenderOptions } from './sender';
