import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import {
  acknowledgeOutsideVpc,
  bundling,
  commonEnvironment,
  executionRole,
  FUNCTION_BASE,
  logGroup,
  RECONCILE_ENTRY,
} from './functions';

/** The sources the scheduled reconcile reads: as configured, else the SCIM store when SCIM is a source. */
export function reconcileSources(config: InfraConfig): readonly ('scim' | 'okta' | 'workos')[] {
  return config.reconcile.sources ?? (config.sources.includes('scim') ? ['scim'] : []);
}

/**
 * The name each source reports its metrics under (the `source` dimension): the same names the reconcile package
 * gives its sources (`scim store`, `okta app <id>` / `okta group <id>`, `workos <directory id>`; kept equal by
 * test/infra/config.test.ts, since the CDK app does not import the domain packages).
 */
export function reconcileSourceNames(config: InfraConfig): string[] {
  return reconcileSources(config).map((source) => {
    if (source === 'scim') return 'scim store';
    if (source === 'okta') {
      const { appId, groupId } = config.reconcile.okta;
      return appId !== undefined ? `okta app ${appId}` : `okta group ${groupId}`;
    }
    return `workos ${config.reconcile.workos.directoryId}`;
  });
}

/** The time between two runs of a `rate(…)` schedule; a day for a `cron(…)` one (the alarm's period). */
export function reconcilePeriod(schedule: string): Duration {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule);
  if (rate === null) return Duration.days(1);
  const n = Number(rate[1]);
  return rate[2] === 'minute' ? Duration.minutes(n) : rate[2] === 'hour' ? Duration.hours(n) : Duration.days(n);
}

export interface ScheduledReconcileProps {
  readonly config: InfraConfig;
  readonly queue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  readonly usersApiKey: secretsmanager.ISecret;
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the function's log group. */
  readonly logsKey: kms.IKey;
}

/**
 * The scheduled reconcile: `functions/reconcile` on an EventBridge rule (`reconcile.schedule`, daily by default, no
 * retries: the next run comes), reading the state table (Scan: who this pipeline manages, and the SCIM store), the
 * Users API key and the Okta / WorkOS secrets it needs; it may send to the work queue only when `reconcile.apply` is not
 * `report`. Created only when it has a source.
 *
 * @example
 * const reconcile = new ScheduledReconcile(this, 'Reconcile', { config, queue, table, usersApiKey, removalPolicy });
 */
export class ScheduledReconcile extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly service: string;
  readonly schedule: events.Rule;
  readonly oktaToken: secretsmanager.Secret | undefined;
  readonly workosApiKey: secretsmanager.Secret | undefined;

  constructor(scope: Construct, id: string, props: ScheduledReconcileProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;
    const sources = reconcileSources(config);
    const placeholder = { passwordLength: 48, excludePunctuation: true, includeSpace: false };
    this.oktaToken = sources.includes('okta')
      ? new secretsmanager.Secret(this, 'OktaApiToken', {
          secretName: `${prefix}/okta-api-token`,
          description:
            'Okta API token the scheduled reconcile reads the app or group with (read-only admin). Placeholder until you put it.',
          generateSecretString: placeholder,
          removalPolicy: props.removalPolicy,
        })
      : undefined;
    this.workosApiKey = sources.includes('workos')
      ? new secretsmanager.Secret(this, 'WorkosApiKey', {
          secretName: `${prefix}/workos-api-key`,
          description:
            'WorkOS API key (sk_…) the scheduled reconcile lists the directory with. Placeholder until you put it.',
          generateSecretString: placeholder,
          removalPolicy: props.removalPolicy,
        })
      : undefined;

    this.service = `${prefix}-reconcile`;
    const logs = logGroup(this, 'Logs', this.service, config, props.removalPolicy, props.logsKey);
    this.role = executionRole(
      this,
      'Role',
      logs,
      'idp-sync reconcile: compare the sources of truth with the Users API',
    );
    const okta = config.reconcile.okta;
    const applies = config.reconcile.apply !== 'report';
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName: this.service,
      description: 'idp-sync reconcile: drift between the sources of truth and the Users API (scheduled)',
      entry: RECONCILE_ENTRY,
      ...FUNCTION_BASE,
      memorySize: config.reconcile.memoryMb,
      timeout: Duration.seconds(config.reconcile.timeoutSeconds),
      role: this.role,
      logGroup: logs,
      bundling: bundling(),
      environment: {
        ...commonEnvironment(config, this.service),
        RECONCILE_SOURCES: sources.join(','),
        RECONCILE_APPLY: config.reconcile.apply,
        ...(config.reconcile.domains.length > 0 ? { RECONCILE_DOMAINS: config.reconcile.domains.join(',') } : {}),
        STATE_TABLE_NAME: props.table.tableName,
        ...(applies ? { QUEUE_URL: props.queue.queueUrl } : {}),
        ARIZE_BASE_URL: config.usersApi.baseUrl,
        ARIZE_API_KEY_SECRET_ARN: props.usersApiKey.secretArn,
        ...(this.oktaToken === undefined
          ? {}
          : {
              OKTA_ORG_URL: okta.orgUrl ?? '',
              ...(okta.appId === undefined ? {} : { OKTA_APP_ID: okta.appId }),
              ...(okta.groupId === undefined ? {} : { OKTA_GROUP_ID: okta.groupId }),
              OKTA_SUSPENDED: okta.suspended,
              OKTA_API_TOKEN_SECRET_ARN: this.oktaToken.secretArn,
            }),
        ...(this.workosApiKey === undefined
          ? {}
          : {
              WORKOS_DIRECTORY_ID: config.reconcile.workos.directoryId ?? '',
              WORKOS_API_KEY_SECRET_ARN: this.workosApiKey.secretArn,
            }),
      },
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'idp-sync: compare the sources of truth with the Users API',
      schedule: events.Schedule.expression(config.reconcile.schedule),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Read-only: who this pipeline manages (person items) and what SCIM says (the SCIM store); a Scan reads both.
        sid: 'ReadStateTable',
        actions: ['dynamodb:Scan'],
        resources: [props.table.tableArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [
          props.usersApiKey.secretArn,
          ...(this.oktaToken === undefined ? [] : [this.oktaToken.secretArn]),
          ...(this.workosApiKey === undefined ? [] : [this.workosApiKey.secretArn]),
        ],
      }),
    );
    if (applies) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SendRepairs',
          actions: ['sqs:SendMessage'],
          resources: [props.queue.queueArn],
        }),
      );
    }
    acknowledgeOutsideVpc(this.fn);
    NagSuppressions.addResourceSuppressions(this.fn, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the code is built and tested for (esbuild target node22); moving to a newer runtime is a deliberate upgrade.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(
      this,
      [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'Okta API tokens and WorkOS API keys are issued in the vendors’ consoles; a rotation Lambda cannot change them there. Rotated by hand (infra/README.md).',
        },
      ],
      true,
    );
  }
}
