import {
  INVITE_MODES as DOMAIN_INVITE_MODES,
  PREDEFINED_ROLES,
  parseGracePeriod,
  STATE_TABLE_KEY,
  STATE_TABLE_TTL_ATTRIBUTE,
} from '@idp-sync/contracts';
import { INGEST_METRIC, SECRET_ENV } from '@idp-sync/http';
import { RECONCILE_METRICS } from '@idp-sync/reconcile';
import { loadReconcileFunctionConfig } from '@idp-sync/reconcile/lambda';
import { oktaDirectorySource } from '@idp-sync/reconcile/okta';
import { workosDirectorySource } from '@idp-sync/reconcile/workos';
import { loadScimSettings } from '@idp-sync/scim/service';
import { HEALTH_PATH, loadIngestConfig, WEBHOOK_PATHS } from '@idp-sync/webhooks';
import { loadGraceSweeperConfig, loadWorkerConfig } from '@idp-sync/worker';
import { WORKER_METRICS } from '@idp-sync/worker/batch';
import { GRACE_SWEEPER_METRICS } from '@idp-sync/worker/grace';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { INVITE_MODES, InfraConfigError, loadInfraConfig, ROLES } from '../../infra/config';
import { PIPELINE_METRICS } from '../../infra/constructs/dashboard';
import { perInstanceRps, scimGroupsEnvironment } from '../../infra/constructs/functions';
import { ROUTES } from '../../infra/constructs/http-api';
import { SOURCE_SECRETS } from '../../infra/constructs/secrets';
import { STATE_TABLE_SCHEMA } from '../../infra/constructs/state-table';
import { policyFindings } from './policy-report';
import { resolvedEnvironment } from './resolve-env';

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    loadInfraConfig(context);
  } catch (error) {
    expect(error).toBeInstanceOf(InfraConfigError);
    return (error as InfraConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadInfraConfig', () => {
  it('has a working default for everything', () => {
    const config = loadInfraConfig({});
    expect(config).toMatchObject({
      stackName: 'idp-sync',
      resourcePrefix: 'idp-sync',
      sources: ['okta', 'scim', 'hr', 'workos', 'bamboohr'],
      retainData: true,
      defaultRole: 'MEMBER',
      defaultInviteMode: 'EMAIL_LINK',
      okta: { authHeader: 'Authorization', suspendAction: 'ignore', membershipEvents: 'off' },
      worker: { maxConcurrency: 2, maxReceiveCount: 5, timeoutSeconds: 60 },
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it('layers `-c idp-sync.<path>=<string>` values over the `idp-sync` object, coercing types', () => {
    const config = loadInfraConfig({
      'idp-sync': { worker: { maxConcurrency: 3, timeoutSeconds: 30 }, okta: { suspendAction: 'delete' } },
      'idp-sync.worker.maxConcurrency': '8',
      'idp-sync.retainData': 'false',
      'idp-sync.sources': 'okta, hr',
      'idp-sync.okta.membershipEvents': 'group',
      'idp-sync.okta.groupIds': '00g1,00g2',
      'idp-sync.alarmEmail': 'oncall@example.com',
      // Unrelated context is left alone.
      '@aws-cdk/core:newStyleStackSynthesis': true,
    });
    expect(config.worker).toMatchObject({ maxConcurrency: 8, timeoutSeconds: 30 });
    expect(config.retainData).toBe(false);
    expect(config.sources).toEqual(['okta', 'hr']);
    expect(config.okta).toMatchObject({
      suspendAction: 'delete',
      membershipEvents: 'group',
      groupIds: ['00g1', '00g2'],
    });
    expect(config.alarmEmail).toBe('oncall@example.com');
  });

  it("accepts the object as a JSON string (`-c idp-sync='{...}'`)", () => {
    expect(loadInfraConfig({ 'idp-sync': '{"defaultRole":"ANNOTATOR"}' }).defaultRole).toBe('ANNOTATOR');
    expect(problemsOf({ 'idp-sync': '{not json' })).toEqual(['idp-sync: must be a JSON object']);
  });

  it('names every wrong setting at once', () => {
    const problems = problemsOf({
      'idp-sync': { wokrer: {} },
      'idp-sync.worker.maxConcurrency': '1',
      'idp-sync.logRetentionDays': '31',
      'idp-sync.alarmEmail': 'not-an-email',
      'idp-sync.usersApi.baseUrl': 'http://api.arize.com',
      'idp-sync.sources': 'okta,ldap',
      'idp-sync.roleSettleSeconds': '1000',
    });
    const text = problems.join('\n');
    expect(text).toContain('idp-sync.roleSettleSeconds: must be a whole number of seconds from 0 to 900');
    expect(text).toContain('idp-sync.worker.maxConcurrency');
    expect(text).toContain('idp-sync.logRetentionDays: must be one of');
    expect(text).toContain('idp-sync.alarmEmail: must be an e-mail address');
    expect(text).toContain('idp-sync.usersApi.baseUrl: must be an https URL');
    expect(text).toContain('idp-sync.sources.1');
    expect(text).toContain('idp-sync.wokrer: not a setting');
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });

  it('requires app or group ids when Okta membership events count', () => {
    expect(problemsOf({ 'idp-sync.okta.membershipEvents': 'app' })).toEqual([
      'idp-sync.okta.membershipEvents: membership events need okta.appIds or okta.groupIds to say which memberships count',
    ]);
  });

  it('refuses setting paths that could reach Object.prototype', () => {
    expect(problemsOf({ 'idp-sync.__proto__.polluted': 'yes' })).toEqual([
      'idp-sync.__proto__.polluted: not a valid setting path',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sizes a throttle per route and reserves concurrency for ingest and SCIM by default', () => {
    const config = loadInfraConfig({});
    expect(config.api.routes).toEqual({
      health: { rateLimit: 5, burstLimit: 10 },
      oktaVerification: { rateLimit: 1, burstLimit: 5 },
      okta: { rateLimit: 50, burstLimit: 100 },
      scim: { rateLimit: 50, burstLimit: 50 },
      hr: { rateLimit: 25, burstLimit: 50 },
      workos: { rateLimit: 50, burstLimit: 100 },
      bamboohr: { rateLimit: 25, burstLimit: 50 },
    });
    expect(config.ingest.reservedConcurrency).toBe(100);
    expect(config.scim.reservedConcurrency).toBe(50);
    expect(config.accountLambdaConcurrency).toBe(1000);
  });

  it('takes route throttles and reservations from `-c` strings, `off` included', () => {
    const config = loadInfraConfig({
      'idp-sync.api.routes.okta.rateLimit': '80',
      'idp-sync.api.routes.okta.burstLimit': '160',
      'idp-sync.ingest.reservedConcurrency': '160',
      'idp-sync.scim.reservedConcurrency': 'off',
    });
    expect(config.api.routes.okta).toEqual({ rateLimit: 80, burstLimit: 160 });
    expect(config.ingest.reservedConcurrency).toBe(160);
    expect(config.scim.reservedConcurrency).toBe('off');
  });

  it('refuses reservations the account cannot give, and ones smaller than a burst the API lets through', () => {
    // A new account's quota can be 10: nothing can be reserved (AWS keeps 100 unreserved).
    expect(problemsOf({ 'idp-sync.accountLambdaConcurrency': '10' })).toEqual([
      expect.stringMatching(
        /^idp-sync\.ingest\.reservedConcurrency: ingest\.reservedConcurrency \+ scim\.reservedConcurrency reserve 150 .* leaves only 0 .* set them to "off"/,
      ),
    ]);
    expect(
      loadInfraConfig({
        'idp-sync.accountLambdaConcurrency': '10',
        'idp-sync.ingest.reservedConcurrency': 'off',
        'idp-sync.scim.reservedConcurrency': 'off',
      }).accountLambdaConcurrency,
    ).toBe(10);
    // Without SCIM among the sources its reservation does not count.
    expect(
      loadInfraConfig({ 'idp-sync.accountLambdaConcurrency': '200', 'idp-sync.sources': 'okta' }).ingest
        .reservedConcurrency,
    ).toBe(100);
    const problems = problemsOf({
      'idp-sync.api.routes.bamboohr.burstLimit': '500',
      'idp-sync.api.routes.scim.burstLimit': '80',
      'idp-sync.ingest.reservedConcurrency': 'lots',
    });
    expect(problems).toEqual([
      'idp-sync.ingest.reservedConcurrency: must be a whole number of concurrent executions from 1 to 10000 (0 would stop the function), or "off"',
    ]);
    const both = problemsOf({
      'idp-sync.api.routes.bamboohr.burstLimit': '500',
      'idp-sync.api.routes.scim.burstLimit': '80',
    });
    expect(both).toEqual([
      expect.stringMatching(/^idp-sync\.ingest\.reservedConcurrency: must be at least the largest burst .*\(500\)/),
      expect.stringMatching(
        /^idp-sync\.scim\.reservedConcurrency: must be at least api\.routes\.scim\.burstLimit \(80\)/,
      ),
    ]);
    expect(problemsOf({ 'idp-sync.api.routes.okta.rateLimit': '0', 'idp-sync.api.routes.hr.burstLimit': '0' })).toEqual(
      [
        expect.stringMatching(/^idp-sync\.api\.routes\.okta\.rateLimit: /),
        expect.stringMatching(/^idp-sync\.api\.routes\.hr\.burstLimit: /),
      ],
    );
  });

  it('splits the Users API budget between the worker instances', () => {
    expect(perInstanceRps(loadInfraConfig({}))).toBe(5);
    expect(perInstanceRps(loadInfraConfig({ 'idp-sync.worker.maxConcurrency': '3' }))).toBe(3.333);
  });
});

describe('the stack agrees with the code it deploys', () => {
  it('roles and invite modes', () => {
    expect(ROLES).toEqual(PREDEFINED_ROLES);
    expect(INVITE_MODES).toEqual(DOMAIN_INVITE_MODES);
  });

  it('state table key and TTL attribute', () => {
    expect(STATE_TABLE_SCHEMA).toEqual({
      partitionKey: STATE_TABLE_KEY.pk,
      sortKey: STATE_TABLE_KEY.sk,
      ttlAttribute: STATE_TABLE_TTL_ATTRIBUTE,
    });
  });

  it('secret ARN variables', () => {
    for (const [source, spec] of Object.entries(SOURCE_SECRETS)) {
      expect(spec.envVar, source).toBe(SECRET_ENV[source as keyof typeof SECRET_ENV].arn);
    }
  });

  it('webhook and health paths', () => {
    const paths = new Set(ROUTES.map((r) => r.path));
    for (const path of [...Object.values(WEBHOOK_PATHS), HEALTH_PATH]) expect(paths.has(path), path).toBe(true);
  });

  it('metric names on the dashboard', () => {
    const emitted = new Set<string>([
      ...Object.values(INGEST_METRIC),
      ...Object.values(WORKER_METRICS),
      ...Object.values(GRACE_SWEEPER_METRICS),
      ...Object.values(RECONCILE_METRICS),
    ]);
    for (const name of Object.values(PIPELINE_METRICS)) expect(emitted.has(name), name).toBe(true);
  });
});

describe('a non-default configuration', () => {
  // Bundling is skipped here (stack.test.ts bundles the real handlers): this file checks what configuration changes.
  let template: Template;
  let nagFindings: number;
  let assemblyDir: string;

  beforeAll(() => {
    const { stack, app } = buildApp({
      context: {
        'aws:cdk:bundling-stacks': [],
        'idp-sync': {
          stackName: 'idp-sync-staging',
          resourcePrefix: 'idp-staging',
          sources: ['okta', 'hr'],
          alarmEmail: 'oncall@example.com',
          retainData: false,
          logRetentionDays: 365,
          metricsNamespace: 'idp-sync-staging',
          defaultInviteMode: 'NONE',
          okta: { membershipEvents: 'app', appIds: ['0oa1', '0oa2'], suspendAction: 'delete' },
          usersApi: { requestsPerSecond: 10, burst: 4, baseUrl: 'https://api.eu-west-1a.arize.com' },
          worker: { maxConcurrency: 4, timeoutSeconds: 120, maxReceiveCount: 3, batchConcurrency: 2 },
          api: { routes: { okta: { rateLimit: 80, burstLimit: 160 } } },
          ingest: { reservedConcurrency: 'off' },
          gracePeriods: { okta: 'PT24H', scim: 'p3d', revokeDeveloper: true },
          rolePolicy: { rules: [{ when: { source: 'okta', group: 'Arize Admins' }, role: 'ADMIN' }] },
          roleSettleSeconds: 120,
          reconcile: {
            sources: ['okta', 'workos'],
            schedule: 'rate(6 hours)',
            apply: 'creates-and-updates',
            domains: ['example.com'],
            okta: { orgUrl: 'https://acme.okta.com', appId: '0oa1app', suspended: 'inactive' },
            workos: { directoryId: 'directory_01E2E' },
          },
        },
      },
    });
    const annotations = Annotations.fromStack(stack);
    nagFindings =
      annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')).length +
      annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')).length;
    template = Template.fromStack(stack);
    assemblyDir = app.outdir;
  }, 120_000);

  it('stays cdk-nag clean', () => {
    expect(nagFindings).toBe(0);
  });

  it('passes the policy checks; with a year of logs the retention rule passes on its own', () => {
    const { unexplained, acknowledged } = policyFindings(assemblyDir);
    expect(unexplained).toEqual([]);
    expect(new Set(acknowledged.map((f) => f.rule))).toEqual(
      new Set([
        'api_gw_v2_authorization_type_configured_check',
        'lambda_function_public_access_prohibited_check',
        'lambda_inside_vpc_check',
      ]),
    );
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it('the scheduled reconcile from Okta and WorkOS: their secrets, the queue (it applies), every 6 hours', () => {
    const env = resolvedEnvironment(template.toJSON(), 'idp-staging-reconcile');
    const config = loadReconcileFunctionConfig({ ...env, OKTA_API_TOKEN_SECRET_ARN: env.OKTA_API_TOKEN_SECRET_ARN });
    expect(config).toMatchObject({
      sources: ['okta', 'workos'],
      apply: 'creates-and-updates',
      domains: ['example.com'],
      okta: {
        orgUrl: 'https://acme.okta.com',
        scope: { appId: '0oa1app' },
        suspended: 'inactive',
        token: { arn: expect.stringMatching(/idp-staging\/okta-api-token/) },
      },
      workos: { directoryId: 'directory_01E2E', apiKey: { arn: expect.stringMatching(/idp-staging\/workos-api-key/) } },
    });
    expect(config.queueUrl).toMatch(/idp-staging-commands\.fifo$/);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    // The alarm's source dimensions are the names the sources report under.
    const names = [
      oktaDirectorySource({ orgUrl: 'https://acme.okta.com', token: 't', scope: { appId: '0oa1app' } }).name,
      workosDirectorySource({ directoryId: 'directory_01E2E', apiKey: 'k' }).name,
    ];
    const [drift] = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'idp-staging-reconcile-drift' } }),
    ) as Array<{ Properties: { Metrics: unknown } }>;
    const metrics = JSON.stringify(drift?.Properties.Metrics);
    for (const name of names) expect(metrics).toContain(name);
    expect(metrics).toContain('21600');
  });

  it('creates routes, secrets and outputs only for the enabled sources', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual(['GET /health', 'GET /webhooks/okta', 'POST /webhooks/hr', 'POST /webhooks/okta']);
    const secretNames = Object.values(template.findResources('AWS::SecretsManager::Secret'))
      .map((r) => r.Properties.Name)
      .sort();
    // The webhook secrets of the enabled sources, the Users API key, and the scheduled reconcile's Okta token and
    // WorkOS key (reading a WorkOS directory needs no WorkOS webhook).
    expect(secretNames).toEqual([
      'idp-staging/hr-webhook',
      'idp-staging/okta-api-token',
      'idp-staging/okta-auth',
      'idp-staging/users-api-key',
      'idp-staging/workos-api-key',
    ]);
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toContain('HrWebhookUrl');
    expect(outputs).not.toContain('ScimBaseUrl');
    expect(outputs).not.toContain('WorkosWebhookUrl');
  });

  it('gives ingest no table access without SCIM', () => {
    const ingestRoleId = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.FunctionName === 'idp-staging-ingest',
    )?.Properties.Role['Fn::GetAtt'][0];
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === ingestRoleId),
    );
    expect(JSON.stringify(policy)).not.toContain('dynamodb:');
  });

  it('derives the queue and event-source settings from the worker settings', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'idp-staging-commands.fifo',
      VisibilityTimeout: 6 * 120,
      RedrivePolicy: { maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 4 } });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'idp-staging-worker', Timeout: 120 });
  });

  it('throttles only the enabled routes, with the configured values, and reserves nothing when told `off`', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.RouteSettings).toEqual({
      'GET /health': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'GET /webhooks/okta': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 5 },
      'POST /webhooks/okta': { ThrottlingRateLimit: 80, ThrottlingBurstLimit: 160 },
      'POST /webhooks/hr': { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
    });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions, fn.Properties.FunctionName).toBeUndefined();
    }
  });

  it('subscribes the alarm e-mail', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('lets the data go with the stack when retainData is false', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    for (const type of ['AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy, type).toBe('Delete');
      }
    }
  });

  it('passes the settings through to the handlers, which accept them', () => {
    const ingest = loadIngestConfig(resolvedEnvironment(template.toJSON(), 'idp-staging-ingest'));
    expect(Object.keys(ingest.secrets).sort()).toEqual(['hr', 'okta']);
    expect(resolvedEnvironment(template.toJSON(), 'idp-staging-ingest').SCIM_BASE_URL).toBeUndefined();
    expect(ingest).toMatchObject({
      defaultInviteMode: 'NONE',
      okta: { membershipEvents: 'app', appIds: ['0oa1', '0oa2'], suspendAction: 'delete' },
    });
    const workerEnv = resolvedEnvironment(template.toJSON(), 'idp-staging-worker');
    expect(workerEnv.POWERTOOLS_METRICS_NAMESPACE).toBe('idp-sync-staging');
    const worker = loadWorkerConfig(workerEnv);
    expect(worker).toMatchObject({
      maxReceiveCount: 3,
      usersApiRps: 2.5,
      usersApiBurst: 4,
      concurrency: 2,
      defaultInviteMode: 'NONE',
      arizeBaseUrl: 'https://api.eu-west-1a.arize.com',
      gracePeriods: { periods: { okta: 86_400_000, scim: 259_200_000 }, revokeDeveloper: true },
      rolePolicy: [{ source: 'okta', group: 'Arize Admins', assign: { predefined: 'ADMIN' } }],
      roleSettleSeconds: 120,
    });
    // The sweeper reads the same queue and table.
    const sweeper = loadGraceSweeperConfig(resolvedEnvironment(template.toJSON(), 'idp-staging-grace-sweeper'));
    expect(sweeper.queueUrl).toBe(workerEnv.QUEUE_URL);
    expect(sweeper.stateTableName).toBe(workerEnv.STATE_TABLE_NAME);
  });
});

describe('SCIM Groups settings (issue #18)', () => {
  it('reach the SCIM function as it reads them: the role policy and the provisioning groups', () => {
    const config = loadInfraConfig({
      'idp-sync': {
        rolePolicy: { rules: [{ when: { source: 'scim', group: 'Arize Admins' }, role: 'ADMIN' }] },
        scim: { provisioningGroups: ['Arize Users', 'All Staff, EMEA'] },
      },
    });
    const scim = loadScimSettings({ SCIM_BEARER_TOKEN: 'x'.repeat(20), ...scimGroupsEnvironment(config) });
    expect(scim.rolePolicy).toEqual([{ source: 'scim', group: 'Arize Admins', assign: { predefined: 'ADMIN' } }]);
    expect(scim.config.provisioningGroups).toEqual(['Arize Users', 'All Staff, EMEA']);
    expect(scimGroupsEnvironment(loadInfraConfig({}))).toEqual({});
    expect(problemsOf({ 'idp-sync': { scim: { provisioningGroups: [''] } } }).join('\n')).toContain(
      'idp-sync.scim.provisioningGroups.0',
    );
  });
});

describe('reconcile settings', () => {
  it('name what each source needs, and refuse scim without SCIM', () => {
    const problems = problemsOf({
      'idp-sync': { sources: ['okta'], reconcile: { sources: ['okta', 'workos', 'scim'], schedule: 'every day' } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/reconcile\.schedule: must be an EventBridge schedule expression/),
      ]),
    );
    const more = problemsOf({ 'idp-sync': { sources: ['okta'], reconcile: { sources: ['okta', 'workos', 'scim'] } } });
    expect(more).toEqual([
      'idp-sync.reconcile.okta.orgUrl: reconcile from okta needs the org URL',
      'idp-sync.reconcile.okta.appId: reconcile from okta reads one app or one group: set appId or groupId',
      'idp-sync.reconcile.workos.directoryId: reconcile from workos needs the directory id',
      'idp-sync.reconcile.sources: reconcile from scim needs scim among the sources',
    ]);
  });
});

describe('grace periods: the CDK setting accepts exactly what the worker accepts', () => {
  it.each([
    'PT24H',
    'P1D',
    'P7D',
    'PT90M',
    'P1DT12H',
    'PT0S',
    'P90D',
    'pt1h',
    '24h',
    'P',
    'PT',
    'P1M',
    'P1W',
    'P91D',
    'P1.5D',
  ])('%s', (value) => {
    const worker = 'ms' in parseGracePeriod(value);
    let infra = true;
    try {
      loadInfraConfig({ 'idp-sync.gracePeriods.okta': value });
    } catch {
      infra = false;
    }
    expect(infra).toBe(worker);
  });

  it('names the setting and what to write', () => {
    expect(problemsOf({ 'idp-sync.gracePeriods.scim': '24 hours' })).toEqual([
      expect.stringMatching(
        /^idp-sync\.gracePeriods\.scim: must be an ISO 8601 duration of at most P90D, such as PT24H/,
      ),
    ]);
  });
});
