import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { PIPELINE_METRICS } from './dashboard';
import { denyGrantsExceptForAwsServices } from './keys';

export interface AlarmsProps {
  readonly config: InfraConfig;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly worker: lambda.IFunction;
  /** The worker's `POWERTOOLS_SERVICE_NAME`: the `service` dimension of its custom metrics. */
  readonly workerService: string;
  /** The grace sweeper and its service name (its `ScheduledDeleteSendFailures` metric). */
  readonly graceSweeper: lambda.IFunction;
  readonly graceSweeperService: string;
  /** The scheduled reconcile, when deployed: its function, service, the sources' metric names and the run period. */
  readonly reconcile?: {
    readonly fn: lambda.IFunction;
    readonly service: string;
    readonly sourceNames: readonly string[];
    readonly period: Duration;
  };
  readonly api: apigwv2.IHttpApi;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The pipeline's alarms, all notifying one SNS topic (and the alarm e-mail when configured):
 * a command reached the DLQ, commands wait too long, the worker fails, the ingest API answers 5xx, a leave was skipped
 * as stale (the person may keep access), the deletion guard held a delete, the grace sweeper fails.
 * The topic is encrypted with its own KMS key, which CloudWatch may use (an AWS-managed SNS key would refuse it).
 *
 * @example
 * const alarms = new Alarms(this, 'Alarms', { config, queue, deadLetterQueue, worker, api, removalPolicy });
 * alarms.topic.topicArn;
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly dlqNotEmpty: cloudwatch.Alarm;
  readonly oldestMessageAge: cloudwatch.Alarm;
  readonly workerErrors: cloudwatch.Alarm;
  readonly ingest5xx: cloudwatch.Alarm;
  readonly staleDeleteSkipped: cloudwatch.Alarm;
  readonly deletesHeld: cloudwatch.Alarm;
  readonly graceSweeperFailing: cloudwatch.Alarm;
  readonly reconcileDrift: cloudwatch.Alarm | undefined;
  readonly reconcileFailing: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;

    this.key = new kms.Key(this, 'TopicKey', {
      description: `${prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    // CloudWatch publishes to the encrypted topic on behalf of this account's alarms only.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    denyGrantsExceptForAwsServices(this.key);

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${prefix}-alarms`,
      displayName: 'idp-sync alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    const notify = new actions.SnsAction(this.topic);
    // Every alarm fires when its metric reaches the threshold in one period, and no data is no breach.
    const alarm = (
      alarmId: string,
      alarmProps: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'evaluationPeriods' | 'treatMissingData'>,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        ...alarmProps,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      return created;
    };

    this.dlqNotEmpty = alarm('DlqNotEmpty', {
      alarmName: `${prefix}-dlq-not-empty`,
      alarmDescription:
        'A provisioning command could not be applied and waits in the DLQ with its reason. ' +
        'Inspect with `idp-sync dlq list`, fix the cause, then `idp-sync dlq replay`.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
    });

    this.oldestMessageAge = alarm('OldestMessageAge', {
      alarmName: `${prefix}-oldest-command-age`,
      alarmDescription:
        `A command has waited more than ${config.alarms.oldestMessageAgeSeconds} s in the queue: the worker is ` +
        'failing, throttled by maxConcurrency, or the Users API is rate limiting.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: config.alarms.oldestMessageAgeSeconds,
    });

    this.workerErrors = alarm('WorkerErrors', {
      alarmName: `${prefix}-worker-errors`,
      alarmDescription:
        'The worker function failed whole invocations (crash, timeout or INIT failure such as a bad configuration); ' +
        'per-record failures are reported as partial batch failures and do not count here.',
      metric: props.worker.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: config.alarms.workerErrorsThreshold,
    });

    this.ingest5xx = alarm('Ingest5xx', {
      alarmName: `${prefix}-ingest-5xx`,
      alarmDescription:
        'The ingest API answered 5xx: senders retry (Okta only once), so events may be lost if this persists. ' +
        'Check the ingest logs (SQS or Secrets Manager unavailable, INIT failure).',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: config.alarms.ingest5xxThreshold,
    });

    this.staleDeleteSkipped = alarm('StaleDeleteSkipped', {
      alarmName: `${prefix}-stale-delete-skipped`,
      alarmDescription:
        'A leave was not applied: it was older than the last command applied to that person, so the person may keep ' +
        'access. Find it in the worker logs ("stale delete skipped") and follow the runbook in packages/cli/README.md.',
      metric: new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: PIPELINE_METRICS.staleDeleteSkipped,
        dimensionsMap: { service: props.workerService },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
    });

    this.deletesHeld = alarm('DeletesHeld', {
      alarmName: `${prefix}-deletes-held`,
      alarmDescription:
        'The deletion guard held deletes: more people left within its window than its limit allows (a wrong HR ' +
        'rule, an unassigned group, a scoping change?). Every further delete is held until a person re-arms it. ' +
        'Runbook: README.md, "The deletion guard tripped" (idp-sync deletes list|approve|discard|rearm).',
      metric: new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: PIPELINE_METRICS.deletesHeld,
        dimensionsMap: { service: props.workerService },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
    });

    this.graceSweeperFailing = alarm('GraceSweeperFailing', {
      alarmName: `${prefix}-grace-sweeper-failing`,
      alarmDescription:
        'The grace sweeper failed or could not re-queue a delete whose grace period ended: those people keep access ' +
        'until it runs again. Check its log group; `idp-sync deletes scheduled` lists what waits. ' +
        'Runbook: README.md, "Grace periods".',
      metric: new cloudwatch.MathExpression({
        expression: 'errors + FILL(sendFailures, 0)',
        usingMetrics: {
          errors: props.graceSweeper.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
          sendFailures: new cloudwatch.Metric({
            namespace: config.metricsNamespace,
            metricName: PIPELINE_METRICS.scheduledDeleteSendFailures,
            dimensionsMap: { service: props.graceSweeperService },
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.SUM,
          }),
        },
        label: 'grace sweeper failures',
        period: Duration.minutes(5),
      }),
      threshold: 1,
    });

    const reconcile = props.reconcile;
    if (reconcile === undefined || reconcile.sourceNames.length === 0) {
      this.reconcileDrift = undefined;
      this.reconcileFailing = undefined;
    } else {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      reconcile.sourceNames.forEach((source, i) => {
        usingMetrics[`s${i}`] = new cloudwatch.Metric({
          namespace: config.metricsNamespace,
          metricName: PIPELINE_METRICS.reconcileDriftToRepair,
          dimensionsMap: { service: reconcile.service, source },
          period: reconcile.period,
          statistic: cloudwatch.Stats.MAXIMUM,
        });
      });
      // Drift that persists across two runs (one run may catch a webhook still in the queue).
      this.reconcileDrift = new cloudwatch.Alarm(this, 'ReconcileDrift', {
        alarmName: `${prefix}-reconcile-drift`,
        alarmDescription:
          'The Users API has not matched a source of truth for two scheduled runs in a row: people to create, update ' +
          'or delete, or emails the source wants that were deleted. Runbook: README.md, "On-call: drift" (idp-sync reconcile).',
        metric: new cloudwatch.MathExpression({
          expression: Object.keys(usingMetrics)
            .map((k) => `FILL(${k}, 0)`)
            .join(' + '),
          usingMetrics,
          label: 'people to repair',
          period: reconcile.period,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.reconcileDrift.addAlarmAction(notify);
      this.reconcileDrift.addOkAction(notify);
      this.reconcileFailing = alarm('ReconcileFailing', {
        alarmName: `${prefix}-reconcile-failing`,
        alarmDescription:
          'The scheduled reconcile failed: a source could not be read (a wrong token or key, a wrong app, group or ' +
          'directory id), or the Users API or the state table was unavailable. Its log names the source and what to do.',
        metric: reconcile.fn.metricErrors({ period: reconcile.period, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
      });
    }
  }

  /** Every alarm, for the dashboard's status widget. */
  get all(): cloudwatch.Alarm[] {
    return [
      this.dlqNotEmpty,
      this.oldestMessageAge,
      this.workerErrors,
      this.ingest5xx,
      this.staleDeleteSkipped,
      this.deletesHeld,
      this.graceSweeperFailing,
      ...(this.reconcileDrift === undefined ? [] : [this.reconcileDrift]),
      ...(this.reconcileFailing === undefined ? [] : [this.reconcileFailing]),
    ];
  }
}
