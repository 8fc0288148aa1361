import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config';
import { Alarms } from './constructs/alarms';
import { PipelineDashboard } from './constructs/dashboard';
import { Functions } from './constructs/functions';
import { IngestHttpApi, SCIM_BASE_PATH } from './constructs/http-api';
import { LogsKey } from './constructs/keys';
import { Queues } from './constructs/queues';
import { reconcilePeriod, reconcileSourceNames, reconcileSources, ScheduledReconcile } from './constructs/reconcile';
import { Secrets } from './constructs/secrets';
import { StateTable } from './constructs/state-table';

export interface IdpSyncStackProps extends StackProps {
  readonly config: InfraConfig;
}

/** Stack output names: `idp-sync dlq` reads QueueUrl and DlqUrl from the stack. */
export const OUTPUTS = {
  webhookBaseUrl: 'WebhookBaseUrl',
  queueUrl: 'QueueUrl',
  dlqUrl: 'DlqUrl',
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  stateTableName: 'StateTableName',
} as const;

/**
 * Everything idp-sync needs in one environment-agnostic stack: HTTP API → ingest Lambda → SQS FIFO → worker Lambda →
 * Users API, with the state table, secrets, alarms and a dashboard.
 *
 * @example
 * const app = new App();
 * new IdpSyncStack(app, 'idp-sync', { config: loadInfraConfig(app.node.getAllContext()) });
 */
export class IdpSyncStack extends Stack {
  readonly queues: Queues;
  readonly state: StateTable;
  readonly secrets: Secrets;
  readonly functions: Functions;
  readonly httpApi: IngestHttpApi;
  readonly alarms: Alarms;
  readonly dashboard: PipelineDashboard;
  /** The scheduled reconcile, when it has a source (issue #17). */
  readonly reconcile: ScheduledReconcile | undefined;

  constructor(scope: Construct, id: string, props: IdpSyncStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.secrets = new Secrets(this, 'Secrets', {
      resourcePrefix: config.resourcePrefix,
      sources: config.sources,
      removalPolicy,
    });
    this.state = new StateTable(this, 'State', { resourcePrefix: config.resourcePrefix, removalPolicy });
    this.queues = new Queues(this, 'Queues', {
      resourcePrefix: config.resourcePrefix,
      maxReceiveCount: config.worker.maxReceiveCount,
      workerTimeout: Duration.seconds(config.worker.timeoutSeconds),
      removalPolicy,
    });
    const logsKey = new LogsKey(this, 'LogsKey', { resourcePrefix: config.resourcePrefix, removalPolicy }).key;
    this.functions = new Functions(this, 'Functions', {
      config,
      logsKey,
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      table: this.state.table,
      secrets: this.secrets,
      removalPolicy,
    });
    this.httpApi = new IngestHttpApi(this, 'HttpApi', {
      config,
      handler: this.functions.ingest,
      ...(this.functions.scim ? { scimHandler: this.functions.scim } : {}),
      removalPolicy,
      logsKey,
    });
    if (this.functions.scim) {
      // SCIM answers carry absolute `meta.location` URLs. No cycle: the API resource itself does not refer to the
      // function (only its integration and permissions do).
      this.functions.scim.addEnvironment('SCIM_BASE_URL', `${this.httpApi.baseUrl}${SCIM_BASE_PATH}`);
    }
    this.reconcile =
      reconcileSources(config).length > 0
        ? new ScheduledReconcile(this, 'Reconcile', {
            config,
            queue: this.queues.queue,
            table: this.state.table,
            usersApiKey: this.secrets.usersApiKey,
            removalPolicy,
            logsKey,
          })
        : undefined;
    // The worker first: it must know the `reconcile` source before a reconcile command reaches it (see Functions).
    this.reconcile?.fn.node.addDependency(this.functions.worker);
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      worker: this.functions.worker,
      workerService: this.functions.workerService,
      graceSweeper: this.functions.graceSweeper,
      graceSweeperService: this.functions.graceSweeperService,
      ...(this.reconcile === undefined
        ? {}
        : {
            reconcile: {
              fn: this.reconcile.fn,
              service: this.reconcile.service,
              sourceNames: reconcileSourceNames(config),
              period: reconcilePeriod(config.reconcile.schedule),
            },
          }),
      api: this.httpApi.api,
      removalPolicy,
    });
    this.dashboard = new PipelineDashboard(this, 'Dashboard', {
      config,
      ingestService: this.functions.ingestService,
      scimService: this.functions.scim ? this.functions.scimService : undefined,
      workerService: this.functions.workerService,
      api: this.httpApi.api,
      queue: this.queues.queue,
      deadLetterQueue: this.queues.deadLetterQueue,
      ingest: this.functions.ingest,
      scim: this.functions.scim,
      worker: this.functions.worker,
      alarms: this.alarms.all,
    });

    // Outputs live on the stack itself so that their names are exactly these (no construct-path hash).
    new CfnOutput(this, OUTPUTS.webhookBaseUrl, {
      value: this.httpApi.baseUrl,
      description: 'Base URL of every webhook route',
    });
    for (const route of this.httpApi.routes) {
      new CfnOutput(this, route.output, {
        value: `${this.httpApi.baseUrl}${route.path.replace('/{proxy+}', '')}`,
        description: `${route.description} (${route.methods.join(', ')})`,
      });
    }
    new CfnOutput(this, OUTPUTS.queueUrl, { value: this.queues.queue.queueUrl, description: 'Command queue (FIFO)' });
    new CfnOutput(this, OUTPUTS.dlqUrl, {
      value: this.queues.deadLetterQueue.queueUrl,
      description: 'Dead-letter queue (FIFO): `idp-sync dlq list|replay` reads it',
    });
    new CfnOutput(this, OUTPUTS.alarmTopicArn, { value: this.alarms.topic.topicArn, description: 'Alarm topic' });
    new CfnOutput(this, OUTPUTS.dashboardName, {
      value: this.dashboard.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the pipeline',
    });
    new CfnOutput(this, OUTPUTS.stateTableName, {
      value: this.state.table.tableName,
      description:
        'State table: `idp-sync deletes` reads the deletion guard, its held deletes and the scheduled ones there',
    });
  }
}
