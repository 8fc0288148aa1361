import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueuesProps {
  readonly resourcePrefix: string;
  /** Receives before SQS moves a command to the DLQ: the worker's MAX_RECEIVE_COUNT, so both agree on "last attempt". */
  readonly maxReceiveCount: number;
  /** The worker function's timeout; the queue's visibility timeout is six times it (AWS's guidance for SQS sources). */
  readonly workerTimeout: Duration;
  /** RETAIN keeps unprocessed commands (and the DLQ's reasons) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/** AWS recommends a visibility timeout of at least six times the function timeout for an SQS event source. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The command queue (FIFO: one message group per person keeps each person's commands in order) and its FIFO DLQ.
 * Both are encrypted with SQS-managed keys and refuse non-TLS requests; the DLQ takes redrives from the command queue only.
 *
 * @example
 * const queues = new Queues(this, 'Queues', {
 *   resourcePrefix: 'idp-sync', maxReceiveCount: 5, workerTimeout: Duration.seconds(60), removalPolicy: RemovalPolicy.RETAIN,
 * });
 */
export class Queues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const queueName = `${props.resourcePrefix}-commands.fifo`;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${props.resourcePrefix}-commands-dlq.fifo`,
      fifo: true,
      // The worker writes its own deduplication ids (original message id + receive count).
      contentBasedDeduplication: false,
      // The longest SQS allows: on-call has two weeks to read the reason and replay.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Only the command queue may use it as its DLQ (Control Tower's CT.SQS.PR.1 asks a DLQ to say which queues
      // may). Named by its ARN, not a reference: the command queue refers to the DLQ already, a reference back would
      // be a cycle.
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [
          sqs.Queue.fromQueueArn(
            this,
            'CommandQueueByName',
            Stack.of(this).formatArn({ service: 'sqs', resource: queueName }),
          ),
        ],
      },
      // Messages in the DLQ are people who were not provisioned: by default they outlive the stack.
      removalPolicy: props.removalPolicy,
    });

    this.queue = new sqs.Queue(this, 'CommandQueue', {
      queueName,
      fifo: true,
      contentBasedDeduplication: false,
      // High-throughput FIFO: deduplication and the throughput limit per message group (per person), not per queue.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
