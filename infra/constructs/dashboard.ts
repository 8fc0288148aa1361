import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { InfraConfig } from '../config';

/**
 * The custom metrics the dashboard draws (and the stale-delete alarm watches), as the functions emit them in embedded metric format (the worker through
 * Powertools Metrics, ingest and SCIM through `createEmfMetrics`, with the same `service` dimension).
 * Kept equal to `INGEST_METRIC` of `@idp-sync/http` and `WORKER_METRICS` of `@idp-sync/worker` by a test.
 */
export const PIPELINE_METRICS = {
  ingestRequests: 'IngestRequests',
  commandsQueued: 'CommandsQueued',
  eventsIgnored: 'EventsIgnored',
  commandsApplied: 'CommandsApplied',
  sentToDlq: 'SentToDlq',
  retriesScheduled: 'RetriesScheduled',
  usersApiRateLimited: 'UsersApiRateLimited',
  endToEndDelay: 'EndToEndDelay',
  staleDeleteSkipped: 'StaleDeleteSkipped',
  deletesHeld: 'DeletesHeld',
  deletesScheduled: 'DeletesScheduled',
  scheduledDeletesCancelled: 'ScheduledDeletesCancelled',
  scheduledDeletesReleased: 'ScheduledDeletesReleased',
  scheduledDeleteSendFailures: 'ScheduledDeleteSendFailures',
  reconcileDriftToRepair: 'ReconcileDriftToRepair',
} as const;

export interface DashboardProps {
  readonly config: InfraConfig;
  /** Service names (`POWERTOOLS_SERVICE_NAME`: the `service` dimension of every custom metric). */
  readonly ingestService: string;
  /** The SCIM function's service name, when SCIM is enabled (its requests and commands are its own lines). */
  readonly scimService?: string | undefined;
  readonly workerService: string;
  readonly api: apigwv2.IHttpApi;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly ingest: lambda.IFunction;
  readonly scim?: lambda.IFunction | undefined;
  readonly worker: lambda.IFunction;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);

/** CloudWatch SEARCH quotes names that are not plain identifiers (`idp-sync` is not). */
function quote(name: string): string {
  return `"${name.replace(/"/g, '\\"')}"`;
}

/**
 * One SEARCH per metric over a fixed dimension set: one line per combination of dimension values (per source, per
 * action, ...) without knowing the values in advance.
 */
function search(
  namespace: string,
  dimensions: readonly string[],
  metricName: string,
  service: string,
  stat = 'Sum',
): cloudwatch.SearchExpression {
  const schema = [namespace, ...dimensions].map(quote).join(',');
  return new cloudwatch.SearchExpression({
    expression: `SEARCH('{${schema}} MetricName=${quote(metricName)} service=${quote(service)}', '${stat}', ${PERIOD.toSeconds()})`,
    label: '',
    period: PERIOD,
  });
}

/**
 * The pipeline on one screen, left to right as a command travels: requests by source → commands queued → applied by
 * action → DLQ depth, with the end-to-end delay (source event to applied) and the alarms' state.
 *
 * @example
 * new PipelineDashboard(this, 'Dashboard', { config, ingestService, workerService, api, queue, deadLetterQueue, ingest, worker, alarms });
 */
export class PipelineDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const ns = props.config.metricsNamespace;
    const ingest = props.ingestService;
    const scim = props.scimService;
    const worker = props.workerService;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.config.resourcePrefix}-pipeline`,
      defaultInterval: Duration.hours(6),
    });

    const delay = (stat: string) =>
      new cloudwatch.Metric({
        namespace: ns,
        metricName: PIPELINE_METRICS.endToEndDelay,
        dimensionsMap: { service: worker },
        statistic: stat,
        period: PERIOD,
        label: `end-to-end ${stat}`,
        unit: cloudwatch.Unit.MILLISECONDS,
      });

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests by source and outcome',
        left: [
          search(ns, ['outcome', 'service', 'source'], PIPELINE_METRICS.ingestRequests, ingest),
          ...(scim ? [search(ns, ['outcome', 'service', 'source'], PIPELINE_METRICS.ingestRequests, scim)] : []),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Commands queued by source and action',
        left: [
          search(ns, ['action', 'service', 'source'], PIPELINE_METRICS.commandsQueued, ingest),
          // SCIM counts its queued commands per source only (no action dimension), under its own service.
          ...(scim ? [search(ns, ['service', 'source'], PIPELINE_METRICS.commandsQueued, scim)] : []),
        ],
        right: [props.queue.metricNumberOfMessagesSent({ period: PERIOD, label: 'SQS messages sent' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Events acknowledged and ignored',
        left: [search(ns, ['eventType', 'reason', 'service', 'source'], PIPELINE_METRICS.eventsIgnored, ingest)],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Commands applied by action',
        left: [search(ns, ['action', 'service'], PIPELINE_METRICS.commandsApplied, worker)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue',
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'DLQ depth',
          }),
        ],
        right: [
          new cloudwatch.Metric({
            namespace: ns,
            metricName: PIPELINE_METRICS.sentToDlq,
            dimensionsMap: { service: worker },
            statistic: cloudwatch.Stats.SUM,
            period: PERIOD,
            label: 'moved to the DLQ by the worker',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'End-to-end delay (source event → applied)',
        left: [delay('p50'), delay('p90'), delay('p99'), delay('Maximum')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Command queue',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'waiting',
          }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'in flight',
          }),
        ],
        right: [
          props.queue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'oldest (s)',
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Users API pressure',
        left: [
          new cloudwatch.Metric({
            namespace: ns,
            metricName: PIPELINE_METRICS.usersApiRateLimited,
            dimensionsMap: { service: worker },
            statistic: cloudwatch.Stats.SUM,
            period: PERIOD,
            label: '429 from the Users API',
          }),
          new cloudwatch.Metric({
            namespace: ns,
            metricName: PIPELINE_METRICS.retriesScheduled,
            dimensionsMap: { service: worker },
            statistic: cloudwatch.Stats.SUM,
            period: PERIOD,
            label: 'retries scheduled',
          }),
        ],
        right: [props.worker.metricThrottles({ period: PERIOD, label: 'worker throttles' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API',
        left: [
          props.api.metricCount({ period: PERIOD, label: 'requests' }),
          props.api.metricClientError({ period: PERIOD, label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, label: '5xx' }),
        ],
        right: [props.api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'latency p99 (ms)' })],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Functions: errors and duration',
        left: [
          props.ingest.metricErrors({ period: PERIOD, label: 'ingest errors' }),
          ...(props.scim ? [props.scim.metricErrors({ period: PERIOD, label: 'SCIM errors' })] : []),
          props.worker.metricErrors({ period: PERIOD, label: 'worker errors' }),
        ],
        right: [
          props.ingest.metricDuration({ period: PERIOD, statistic: 'p99', label: 'ingest p99 (ms)' }),
          ...(props.scim
            ? [props.scim.metricDuration({ period: PERIOD, statistic: 'p99', label: 'SCIM p99 (ms)' })]
            : []),
          props.worker.metricDuration({ period: PERIOD, statistic: 'p99', label: 'worker p99 (ms)' }),
        ],
        width: 24,
      }),
    );
  }
}
