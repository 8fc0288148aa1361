import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { acknowledgeGuardRule } from '../policy-checks';
import { stackLogGroup } from './log-groups';
import { type Secrets, SOURCE_SECRETS } from './secrets';

/** The repository root: `projectRoot` of the bundles (workspaces resolve from here) and home of package-lock.json. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const INGEST_ENTRY = path.join(REPO_ROOT, 'functions', 'ingest', 'src', 'handler.ts');
export const SCIM_ENTRY = path.join(REPO_ROOT, 'functions', 'scim', 'src', 'handler.ts');
export const WORKER_ENTRY = path.join(REPO_ROOT, 'functions', 'worker', 'src', 'handler.ts');
export const GRACE_SWEEPER_ENTRY = path.join(REPO_ROOT, 'functions', 'grace-sweeper', 'src', 'handler.ts');
export const RECONCILE_ENTRY = path.join(REPO_ROOT, 'functions', 'reconcile', 'src', 'handler.ts');

/**
 * How often the grace sweeper runs: a delete whose grace period ended goes back to the queue within this time (plus
 * the queue's own seconds), which is what gives "grace end to delete within 2 minutes".
 */
export const GRACE_SWEEP_PERIOD = Duration.minutes(1);

/** The partition key of the scheduled deletes (`PENDING_DELETE_PK` of `@idp-sync/contracts`, kept equal by a test). */
export const PENDING_DELETE_PARTITION = 'pending-delete';

/**
 * The partition-key prefix of person state items (contracts' `PERSON_STATE_PREFIX`; infra cannot import the domain
 * packages at synth, so a test holds the two equal): SCIM may update those items and no others of its kind.
 */
export const PERSON_STATE_PARTITION_PREFIX = 'person#';

/**
 * How long an HTTP function reuses a secret: its own cache (`SECRETS_CACHE_TTL_SECONDS`) and the Parameters and
 * Secrets extension's (`SECRETS_MANAGER_TTL`) are the same length, so the two expire together and a rotated value is
 * seen within this time, not twice it. Five minutes is also the extension's maximum.
 */
export const SECRETS_CACHE_TTL = Duration.minutes(5);

/**
 * How long the extension waits for Secrets Manager: less than the function's own wait for the extension
 * (`PARAMETERS_SECRETS_EXTENSION_TIMEOUT_MS`, 1.5 s), so a slow Secrets Manager comes back as the extension's error
 * (logged with its reason) rather than as a bare timeout.
 */
export const SECRETS_MANAGER_TIMEOUT = Duration.seconds(1);

/**
 * The AWS Parameters and Secrets Lambda Extension (an AWS-published layer) for the HTTP functions: they read their
 * secrets from it over loopback instead of bundling the Secrets Manager SDK (bundle size, cold start). CDK picks the
 * layer ARN for the function's architecture (arm64) and the deploy region through a regional mapping, so synthesis
 * stays offline and environment-agnostic. The extension calls Secrets Manager with the function's own role.
 */
export function secretsExtension(): lambda.ParamsAndSecretsLayerVersion {
  return lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
    cacheEnabled: true,
    secretsManagerTtl: SECRETS_CACHE_TTL,
    secretsManagerTimeout: SECRETS_MANAGER_TIMEOUT,
    logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
  });
}

/**
 * The SCIM function's Users API lookup (the Users API client and undici, ~560 KiB), bundled into a file of its own
 * beside `index.mjs`: the handler imports it by this name (`import('./users-api-lookup.mjs')`, kept external to the
 * main bundle) on the first lookup of a person not yet in the SCIM store, and only when the function has Users API
 * credentials. Inside the main bundle it would be parsed at every cold start although never evaluated: ~20 ms of INIT
 * on Node 22, most of the gap between 1.5x and 1.2x of the SQS-client floor. esbuild's code splitting is not an option
 * (each function is bundled to one `--outfile`), hence a second esbuild run after the first, with the same options.
 */
export const SCIM_USERS_API_LOOKUP = {
  /** The lookup's entry, relative to the repository root (a `.mts` file: see there). */
  entry: 'functions/scim/src/users-api-lookup.mts',
  /** Its file beside `index.mjs`, and the specifier the handler imports. */
  file: 'users-api-lookup.mjs',
} as const;

/** SQS limits a FIFO event source's batch to 10 records. */
export const WORKER_BATCH_SIZE = 10;

/**
 * esbuild wraps bundled CommonJS packages in a `__require` shim that throws "Dynamic require of ... is not supported"
 * in an ES module, where `require` does not exist. Defining a real `require` first (from `createRequire`) lets those
 * packages load Node built-ins. The alias avoids clashing with a bundled module's own `createRequire` import.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __idpSyncCreateRequire } from 'node:module'; const require = __idpSyncCreateRequire(import.meta.url);";

/**
 * DynamoDB actions the worker's state repository and Powertools idempotency records use. BatchGetItem: the batch's
 * person states are prefetched in one call (`BatchStateView`); without it every batch fails that call and falls back
 * to one GetItem per command.
 */
export const WORKER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

/** DynamoDB actions the SCIM function uses: reads for GET /Users, conditional writes for POST/PUT/PATCH/DELETE. */
export const SCIM_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export interface FunctionsProps {
  readonly config: InfraConfig;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
  readonly secrets: Secrets;
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the functions' log groups. */
  readonly logsKey: kms.IKey;
}

/** What every function shares: Node 22 on arm64, built from this repository with its lockfile. */
export const FUNCTION_BASE = {
  handler: 'handler',
  projectRoot: REPO_ROOT,
  depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
} as const;

/** Bundling shared by every function: ESM, minified, source maps, every dependency (the AWS SDK too) in the bundle. */
export function bundling(): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node22',
    // ESM builds of dependencies where they ship one (better tree shaking), CommonJS otherwise.
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    sourceMapMode: nodejs.SourceMapMode.DEFAULT,
    // Stack traces need names and lines, not the sources: keeps the asset small.
    sourcesContent: false,
    // The bundle pins the SDK versions we tested with instead of whatever the runtime ships.
    bundleAwsSDK: true,
    externalModules: [],
    banner: ESM_REQUIRE_BANNER,
  };
}

/**
 * The SCIM function's bundling: the shared one, with the Users API lookup left out of `index.mjs` and bundled beside
 * it by a second esbuild run with the same options ({@link SCIM_USERS_API_LOOKUP}). The command runs where CDK runs
 * esbuild (locally: `npx --no-install esbuild`, as CDK itself calls a workspace esbuild).
 */
function scimBundling(): nodejs.BundlingOptions {
  const shared = bundling();
  const lookup = SCIM_USERS_API_LOOKUP;
  return {
    ...shared,
    externalModules: [`./${lookup.file}`],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        [
          'npx',
          '--no-install',
          'esbuild',
          '--bundle',
          path.posix.join(inputDir, lookup.entry),
          `--outfile=${path.posix.join(outputDir, lookup.file)}`,
          '--platform=node',
          `--target=${shared.target}`,
          `--format=${shared.format}`,
          ...(shared.minify ? ['--minify'] : []),
          ...(shared.sourceMap ? ['--sourcemap'] : []),
          ...(shared.sourcesContent === false ? ['--sources-content=false'] : []),
          `--main-fields=${shared.mainFields?.join(',')}`,
          `--banner:js=${shared.banner}`,
          '--log-level=warning',
        ]
          .map(shellQuote)
          .join(' '),
      ],
    },
  };
}

/** One word for `bash -c`: single-quoted, embedded single quotes closed, escaped and reopened. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One function's log group: `/aws/lambda/<name>` (see {@link stackLogGroup}). */
export function logGroup(
  scope: Construct,
  id: string,
  name: string,
  config: InfraConfig,
  removalPolicy: RemovalPolicy,
  encryptionKey: kms.IKey,
) {
  return stackLogGroup(scope, id, `/aws/lambda/${name}`, { config, removalPolicy, encryptionKey });
}

/**
 * An execution role that may only write to its own log group: no `AWSLambdaBasicExecutionRole` (which allows
 * creating any log group and writing to all of them).
 */
export function executionRole(scope: Construct, id: string, group: logs.LogGroup, description: string): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [group.logGroupArn],
    }),
  );
  return role;
}

/** Powertools settings and source maps, the same for every function. */
export function commonEnvironment(config: InfraConfig, service: string): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: config.logLevel,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** The HTTP functions' own secret cache, as long as the extension's ({@link SECRETS_CACHE_TTL}). */
function secretsCacheEnvironment(): Record<string, string> {
  return { SECRETS_CACHE_TTL_SECONDS: String(SECRETS_CACHE_TTL.toSeconds()) };
}

/**
 * A function's reserved concurrency (`off`: none). It is held for the function whatever else runs in the account,
 * and it is the function's ceiling: a flood of requests cannot take the concurrency the other functions need.
 */
function reservedConcurrency(setting: number | 'off'): { reservedConcurrentExecutions?: number } {
  return setting === 'off' ? {} : { reservedConcurrentExecutions: setting };
}

/** The worker's `GRACE_PERIOD_<SOURCE>` and `GRACE_REVOKE_DEVELOPER` from the `gracePeriods` setting. */
function gracePeriodEnvironment(config: InfraConfig): Record<string, string> {
  const { revokeDeveloper, ...periods } = config.gracePeriods;
  const environment: Record<string, string> = {};
  for (const [source, period] of Object.entries(periods)) {
    if (period !== undefined) environment[`GRACE_PERIOD_${source.toUpperCase()}`] = period;
  }
  if (revokeDeveloper) environment.GRACE_REVOKE_DEVELOPER = 'on';
  return environment;
}

/**
 * The SCIM function's settings for SCIM Groups (issue #18): the worker's role policy (to report memberships that would
 * change an existing account's role) and the provisioning groups (`SCIM_PROVISIONING_GROUPS`, as a JSON array: names
 * may hold commas).
 */
export function scimGroupsEnvironment(config: InfraConfig): Record<string, string> {
  return {
    ...(config.rolePolicy === undefined ? {} : { ROLE_POLICY: JSON.stringify(config.rolePolicy) }),
    ...(config.scim.provisioningGroups === undefined
      ? {}
      : { SCIM_PROVISIONING_GROUPS: JSON.stringify(config.scim.provisioningGroups) }),
  };
}

/** Per-instance rate so that `maxConcurrency` instances together stay within the configured Users API budget. */
export function perInstanceRps(config: InfraConfig): number {
  return Math.floor((config.usersApi.requestsPerSecond / config.worker.maxConcurrency) * 1000) / 1000;
}

/**
 * The Lambda functions (Node.js 22 on arm64, bundled locally by esbuild — no Docker) with least-privilege roles:
 * ingest (the webhooks) sends to the queue and reads the webhook secrets — no table access; SCIM (when Entra SCIM is
 * enabled) sends to the queue, reads its bearer token and the SCIM items of the state table (both HTTP functions read
 * their secrets through the Parameters and Secrets extension layer, which uses their role); the worker consumes the
 * queue, writes the DLQ, reads the Users API key and uses the state table. SCIM is its own function so that the
 * webhook function stays small (cold start) and Entra's synchronous calls do not share concurrency with webhook bursts.
 *
 * @example
 * const fns = new Functions(this, 'Functions', { config, queue, deadLetterQueue, table, secrets, removalPolicy });
 */
export class Functions extends Construct {
  readonly ingest: nodejs.NodejsFunction;
  readonly worker: nodejs.NodejsFunction;
  /** Present when `scim` is among the configured sources. */
  readonly scim: nodejs.NodejsFunction | undefined;
  readonly ingestRole: iam.Role;
  readonly scimRole: iam.Role | undefined;
  readonly workerRole: iam.Role;
  readonly workerEventSource: SqsEventSource;
  /** Powertools service names: the `service` dimension of each function's metrics and log lines. */
  readonly ingestService: string;
  readonly scimService: string;
  readonly workerService: string;
  /** Re-queues deletes whose grace period ended (deployed whether or not a grace period is set). */
  readonly graceSweeper: nodejs.NodejsFunction;
  readonly graceSweeperRole: iam.Role;
  readonly graceSweeperService: string;
  readonly graceSweepSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;

    // --- ingest -----------------------------------------------------------------------------------------------
    const ingestName = `${prefix}-ingest`;
    this.ingestService = ingestName;
    const ingestLogs = logGroup(this, 'IngestLogs', ingestName, config, props.removalPolicy, props.logsKey);
    this.ingestRole = executionRole(this, 'IngestRole', ingestLogs, 'idp-sync ingest: verify webhooks, queue commands');

    // The webhook secrets only: SCIM's bearer token belongs to the SCIM function.
    const webhookSecrets = Object.entries(props.secrets.source).filter(([source]) => source !== 'scim');
    const secretArns: Record<string, string> = {};
    for (const [source, secret] of webhookSecrets) {
      secretArns[SOURCE_SECRETS[source as keyof typeof SOURCE_SECRETS].envVar] = secret.secretArn;
    }

    this.ingest = new nodejs.NodejsFunction(this, 'Ingest', {
      functionName: ingestName,
      description: 'idp-sync ingest: Okta, HR, WorkOS and BambooHR webhooks to the command queue',
      entry: INGEST_ENTRY,
      ...FUNCTION_BASE,
      memorySize: config.ingest.memoryMb,
      timeout: Duration.seconds(config.ingest.timeoutSeconds),
      ...reservedConcurrency(config.ingest.reservedConcurrency),
      role: this.ingestRole,
      logGroup: ingestLogs,
      bundling: bundling(),
      // The extension only when there is a secret to read (a SCIM-only stack's ingest serves /health alone).
      ...(webhookSecrets.length > 0 ? { paramsAndSecrets: secretsExtension() } : {}),
      environment: {
        ...commonEnvironment(config, this.ingestService),
        ...(webhookSecrets.length > 0 ? secretsCacheEnvironment() : {}),
        QUEUE_URL: props.queue.queueUrl,
        DEFAULT_ROLE: config.defaultRole,
        DEFAULT_INVITE_MODE: config.defaultInviteMode,
        OKTA_AUTH_HEADER: config.okta.authHeader,
        OKTA_SUSPEND_ACTION: config.okta.suspendAction,
        OKTA_MEMBERSHIP_EVENTS: config.okta.membershipEvents,
        OKTA_APP_IDS: config.okta.appIds.join(','),
        OKTA_GROUP_IDS: config.okta.groupIds.join(','),
        BAMBOOHR_EMAIL_FIELD: config.bamboohr.emailField,
        BAMBOOHR_STATUS_FIELD: config.bamboohr.statusField,
        ...secretArns,
      },
    });

    this.ingestRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendCommands',
        // SendMessageBatch is authorised by sqs:SendMessage.
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
      }),
    );
    if (webhookSecrets.length > 0) {
      this.ingestRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadSourceSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: webhookSecrets.map(([, secret]) => secret.secretArn),
        }),
      );
    }

    // --- SCIM -------------------------------------------------------------------------------------------------
    const scimName = `${prefix}-scim`;
    this.scimService = scimName;
    const scimSecret = props.secrets.source.scim;
    if (config.sources.includes('scim') && scimSecret) {
      const scimLogs = logGroup(this, 'ScimLogs', scimName, config, props.removalPolicy, props.logsKey);
      const scimRole = executionRole(
        this,
        'ScimRole',
        scimLogs,
        'idp-sync SCIM: Entra ID provisioning, queue commands',
      );
      this.scimRole = scimRole;
      this.scim = new nodejs.NodejsFunction(this, 'Scim', {
        functionName: scimName,
        description: 'idp-sync SCIM: Entra ID SCIM 2.0 provisioning to the command queue',
        entry: SCIM_ENTRY,
        ...FUNCTION_BASE,
        // Same sizing as ingest: both answer HTTP senders synchronously.
        memorySize: config.ingest.memoryMb,
        timeout: Duration.seconds(config.ingest.timeoutSeconds),
        ...reservedConcurrency(config.scim.reservedConcurrency),
        role: scimRole,
        logGroup: scimLogs,
        bundling: scimBundling(),
        paramsAndSecrets: secretsExtension(),
        environment: {
          ...commonEnvironment(config, this.scimService),
          ...secretsCacheEnvironment(),
          QUEUE_URL: props.queue.queueUrl,
          STATE_TABLE_NAME: props.table.tableName,
          [SOURCE_SECRETS.scim.envVar]: scimSecret.secretArn,
          ...scimGroupsEnvironment(config),
        },
      });
      scimRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'SendCommands',
          actions: ['sqs:SendMessage'],
          resources: [props.queue.queueArn],
        }),
      );
      scimRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadScimBearerToken',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [scimSecret.secretArn],
        }),
      );
      scimRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ScimState',
          actions: [...SCIM_TABLE_ACTIONS],
          resources: [props.table.tableArn],
        }),
      );
      // SCIM Groups record memberships on person items (the role policy reads them at create): UpdateItem there only.
      scimRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ScimPersonGroups',
          actions: ['dynamodb:UpdateItem'],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${PERSON_STATE_PARTITION_PREFIX}*`] } },
        }),
      );
    } else {
      this.scim = undefined;
      this.scimRole = undefined;
    }

    // --- worker -----------------------------------------------------------------------------------------------
    const workerName = `${prefix}-worker`;
    this.workerService = workerName;
    const workerLogs = logGroup(this, 'WorkerLogs', workerName, config, props.removalPolicy, props.logsKey);
    this.workerRole = executionRole(this, 'WorkerRole', workerLogs, 'idp-sync worker: apply commands to the Users API');

    this.worker = new nodejs.NodejsFunction(this, 'Worker', {
      functionName: workerName,
      description: 'idp-sync worker: applies provisioning commands to the Users API, in order per person',
      entry: WORKER_ENTRY,
      ...FUNCTION_BASE,
      memorySize: config.worker.memoryMb,
      timeout: Duration.seconds(config.worker.timeoutSeconds),
      role: this.workerRole,
      logGroup: workerLogs,
      bundling: bundling(),
      environment: {
        ...commonEnvironment(config, this.workerService),
        QUEUE_URL: props.queue.queueUrl,
        DLQ_URL: props.deadLetterQueue.queueUrl,
        STATE_TABLE_NAME: props.table.tableName,
        MAX_RECEIVE_COUNT: String(config.worker.maxReceiveCount),
        USERS_API_RPS: String(perInstanceRps(config)),
        USERS_API_BURST: String(config.usersApi.burst),
        WORKER_CONCURRENCY: String(config.worker.batchConcurrency),
        ARIZE_BASE_URL: config.usersApi.baseUrl,
        ARIZE_API_KEY_SECRET_ARN: props.secrets.usersApiKey.secretArn,
        DEFAULT_ROLE: config.defaultRole,
        DEFAULT_INVITE_MODE: config.defaultInviteMode,
        DELETION_GUARD: config.deletionGuard.enabled ? 'on' : 'off',
        DELETION_GUARD_WINDOW_MINUTES: String(config.deletionGuard.windowMinutes),
        DELETION_GUARD_FLOOR: String(config.deletionGuard.floor),
        DELETION_GUARD_PERCENT: String(config.deletionGuard.percent),
        ...gracePeriodEnvironment(config),
        ...(config.rolePolicy === undefined ? {} : { ROLE_POLICY: JSON.stringify(config.rolePolicy) }),
        ...(config.roleSettleSeconds > 0 ? { ROLE_SETTLE_SECONDS: String(config.roleSettleSeconds) } : {}),
      },
    });

    this.workerEventSource = new SqsEventSource(props.queue, {
      batchSize: WORKER_BATCH_SIZE,
      reportBatchItemFailures: true,
      // Caps the worker instances, hence the calls in flight against the Users API.
      maxConcurrency: config.worker.maxConcurrency,
    });
    // Grants sqs:ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl on the queue.
    this.worker.addEventSource(this.workerEventSource);

    this.workerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'MoveToDeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
    this.workerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadUsersApiKey',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.secrets.usersApiKey.secretArn],
      }),
    );
    this.workerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Also the deletion guard's items (guard, held deletes): the same table and actions, no new permission.
        sid: 'PersonStateAndIdempotency',
        actions: [...WORKER_TABLE_ACTIONS],
        resources: [props.table.tableArn],
      }),
    );

    // --- grace sweeper -------------------------------------------------------------------------------------------
    const sweeperName = `${prefix}-grace-sweeper`;
    this.graceSweeperService = sweeperName;
    const sweeperLogs = logGroup(this, 'GraceSweeperLogs', sweeperName, config, props.removalPolicy, props.logsKey);
    this.graceSweeperRole = executionRole(
      this,
      'GraceSweeperRole',
      sweeperLogs,
      'idp-sync grace sweeper: re-queue deletes whose grace period ended',
    );
    this.graceSweeper = new nodejs.NodejsFunction(this, 'GraceSweeper', {
      functionName: sweeperName,
      description: 'idp-sync grace sweeper: re-queues deletes whose grace period ended, in order per person',
      entry: GRACE_SWEEPER_ENTRY,
      ...FUNCTION_BASE,
      memorySize: 256,
      timeout: Duration.seconds(55),
      role: this.graceSweeperRole,
      logGroup: sweeperLogs,
      bundling: bundling(),
      environment: {
        ...commonEnvironment(config, sweeperName),
        QUEUE_URL: props.queue.queueUrl,
        STATE_TABLE_NAME: props.table.tableName,
      },
    });
    this.graceSweepSchedule = new events.Rule(this, 'GraceSweepSchedule', {
      description: 'idp-sync: release deletes whose grace period ended',
      schedule: events.Schedule.rate(GRACE_SWEEP_PERIOD),
      targets: [new targets.LambdaFunction(this.graceSweeper, { retryAttempts: 0 })],
    });
    this.graceSweeperRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RequeueDueDeletes',
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
      }),
    );
    this.graceSweeperRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Only the scheduled deletes' partition: not a person's state, not the guard, not an idempotency record.
        sid: 'ScheduledDeletesOnly',
        actions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PENDING_DELETE_PARTITION] } },
      }),
    );

    // Deploy order: the worker is updated before ingest (CloudFormation updates a resource after those it depends
    // on). The worker validates commands strictly, so an older worker sends a field it does not know (such as
    // `sourceUserId` when it was added) to the DLQ as InvalidCommand: a newer ingest must never feed an older worker.
    this.ingest.node.addDependency(this.worker);

    NagSuppressions.addResourceSuppressions(
      [this.ingest, this.worker, this.graceSweeper, ...(this.scim ? [this.scim] : [])],
      [
        {
          id: 'AwsSolutions-L1',
          reason:
            'Node.js 22 is the runtime the code is built and tested for (esbuild target node22); moving ' +
            'to a newer runtime is a deliberate upgrade, not an automatic one.',
        },
      ],
    );
    for (const fn of [this.ingest, this.worker, this.graceSweeper, ...(this.scim ? [this.scim] : [])]) {
      acknowledgeOutsideVpc(fn);
    }
  }
}

/**
 * Control Tower's CT.LAMBDA.PR.3 asks for functions inside a customer VPC. These reach only public endpoints, and a
 * VPC would add a NAT gateway (for the Users API) and interface endpoints per AZ — cost and parts to run, nothing to
 * protect: no resource of the stack lives in a VPC, and IAM scopes every AWS call.
 */
export function acknowledgeOutsideVpc(fn: lambda.IFunction): void {
  acknowledgeGuardRule(
    fn,
    'lambda_inside_vpc_check',
    'Reaches only public endpoints (SQS, DynamoDB, Secrets Manager, the Users API on the internet); no resource of ' +
      'the stack is in a VPC. A VPC would need a NAT gateway and interface endpoints per AZ for no protection IAM ' +
      'does not already give.',
  );
}
