import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { InfraConfig, Source } from '../config';
import { acknowledgeGuardRule } from '../policy-checks';
import { stackLogGroup } from './log-groups';

/** One public route: its key in the stack outputs, the methods, and the path. */
export interface RouteSpec {
  readonly output: string;
  readonly source: Source | 'health';
  readonly methods: readonly apigwv2.HttpMethod[];
  readonly path: string;
  /** What the output tells the operator (the README explains where to paste it). */
  readonly description: string;
}

const { GET, POST, PUT, PATCH, DELETE, ANY } = apigwv2.HttpMethod;

/** Which of `api.routes` throttles a route and method: its source's, except Okta's one-time verification GET. */
export function throttleSettingOf(route: RouteSpec, method: apigwv2.HttpMethod): keyof InfraConfig['api']['routes'] {
  return route.source === 'okta' && method === GET ? 'oktaVerification' : route.source;
}

/** Where the SCIM 2.0 service lives: Entra's Tenant URL is the API's base URL plus this. */
export const SCIM_BASE_PATH = '/scim/v2';

/**
 * The routes, one entry per API Gateway route. Okta's GET is its one-time verification challenge. SCIM gets explicit
 * Users routes plus a greedy one for the discovery endpoints (ServiceProviderConfig, Schemas, ResourceTypes) and for
 * SCIM-shaped 404/405 answers from the SCIM function itself. SCIM routes integrate with the SCIM function, every other
 * route with the webhook ingest function.
 */
export const ROUTES: readonly RouteSpec[] = [
  { output: 'HealthUrl', source: 'health', methods: [GET], path: '/health', description: 'Liveness check' },
  {
    output: 'OktaWebhookUrl',
    source: 'okta',
    methods: [GET, POST],
    path: '/webhooks/okta',
    description: 'Okta Event Hook URL',
  },
  {
    output: 'ScimUsersUrl',
    source: 'scim',
    methods: [GET, POST],
    path: `${SCIM_BASE_PATH}/Users`,
    description: 'SCIM Users collection',
  },
  {
    output: 'ScimUserUrl',
    source: 'scim',
    methods: [GET, PUT, PATCH, DELETE],
    path: `${SCIM_BASE_PATH}/Users/{id}`,
    description: 'SCIM User resource',
  },
  {
    output: 'ScimBaseUrl',
    source: 'scim',
    methods: [ANY],
    path: `${SCIM_BASE_PATH}/{proxy+}`,
    description: 'Entra ID Tenant URL: the SCIM 2.0 base; every path under it reaches the SCIM function',
  },
  {
    output: 'HrWebhookUrl',
    source: 'hr',
    methods: [POST],
    path: '/webhooks/hr',
    description: 'HR Standard Webhooks URL',
  },
  {
    output: 'WorkosWebhookUrl',
    source: 'workos',
    methods: [POST],
    path: '/webhooks/workos',
    description: 'WorkOS webhook endpoint',
  },
  {
    output: 'BamboohrWebhookUrl',
    source: 'bamboohr',
    methods: [POST],
    path: '/webhooks/bamboohr',
    description: 'BambooHR webhook URL',
  },
];

/**
 * What each access log line records. No headers, no query string and no body: those carry shared secrets,
 * signatures and e-mail addresses.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integrationErrorMessage',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
} as const;

export interface HttpApiProps {
  readonly config: InfraConfig;
  /** The webhook ingest function: health and the webhook routes. */
  readonly handler: lambda.IFunction;
  /** The SCIM function: every `/scim/v2` route. Required when `scim` is among the sources. */
  readonly scimHandler?: lambda.IFunction;
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the access log group. */
  readonly logsKey: kms.IKey;
}

/**
 * The public HTTP API (API Gateway v2): only the routes of the enabled sources, one `$default` stage with a throttle
 * per route (`api.routes`) and JSON access logs. SCIM routes go to the SCIM function, the others to ingest. Anything else gets API Gateway's
 * 404 without invoking a function.
 *
 * @example
 * const api = new IngestHttpApi(this, 'Api', { config, handler: functions.ingest, scimHandler: functions.scim, removalPolicy });
 * api.urlOf('/webhooks/okta');
 */
export class IngestHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** The routes that exist for this configuration. */
  readonly routes: readonly RouteSpec[];

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { config } = props;

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${config.resourcePrefix}-ingest`,
      description: 'idp-sync: identity-provider and HR webhooks, SCIM 2.0',
      // The stage below replaces the default one: the default stage cannot carry throttling or access logs.
      createDefaultStage: false,
    });

    this.accessLogs = stackLogGroup(this, 'AccessLogs', `/aws/apigateway/${config.resourcePrefix}-ingest`, {
      config,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.logsKey,
    });

    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // One integration per function, shared by its routes: payload format 2.0, what both handlers expect.
    const integration = new HttpLambdaIntegration('Ingest', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    this.routes = ROUTES.filter((route) => route.source === 'health' || config.sources.includes(route.source));
    let scimIntegration: HttpLambdaIntegration | undefined;
    if (this.routes.some((route) => route.source === 'scim')) {
      if (!props.scimHandler) throw new Error('IngestHttpApi: scim is enabled but no scimHandler was given');
      scimIntegration = new HttpLambdaIntegration('Scim', props.scimHandler, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      });
    }
    // Each route gets its own throttle (API Gateway keeps one token bucket per route key), sized from its sender:
    // a flood of /health or of SCIM cannot use up Okta's or BambooHR's, which do not retry a 429.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const httpRoutes: apigwv2.HttpRoute[] = [];
    for (const route of this.routes) {
      const added = this.api.addRoutes({
        path: route.path,
        methods: [...route.methods],
        integration: route.source === 'scim' && scimIntegration ? scimIntegration : integration,
      });
      for (const httpRoute of added) acknowledgeOpenRoute(httpRoute);
      httpRoutes.push(...added);
      for (const method of route.methods) {
        const { rateLimit, burstLimit } = config.api.routes[throttleSettingOf(route, method)];
        routeSettings[`${method} ${route.path}`] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
      }
    }
    // `RouteSettings` is untyped JSON in CloudFormation (keys are route keys), so CDK writes it as given.
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = routeSettings;
    // API Gateway refuses route settings for a route key that does not exist yet ("Unable to find Route by key").
    this.stage.node.addDependency(...httpRoutes);

    NagSuppressions.addResourceSuppressions(
      this.api,
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Webhook senders (Okta, Entra ID, HR systems, WorkOS, BambooHR) cannot obtain IAM or JWT credentials. ' +
            'Each route authenticates its sender inside its function (ingest or SCIM) before reading the body: a shared header ' +
            'secret (Okta), a bearer token (SCIM), or an HMAC signature over the raw body (HR, WorkOS, BambooHR), all ' +
            'compared in constant time. /health returns no data.',
        },
      ],
      true,
    );
  }

  /** The base URL of the `$default` stage (no trailing slash): every route hangs off it. */
  get baseUrl(): string {
    return this.api.apiEndpoint;
  }
}

/**
 * Control Tower's policy checks on a route and on the permission that lets API Gateway invoke its function
 * (infra/README.md, "Policy checks").
 */
function acknowledgeOpenRoute(route: apigwv2.HttpRoute): void {
  acknowledgeGuardRule(
    route,
    'api_gw_v2_authorization_type_configured_check',
    'By design: the senders (Okta, Entra ID, HR systems, WorkOS, BambooHR) cannot sign requests with IAM or get a ' +
      'JWT, and a Lambda authorizer would check what the function checks anyway. The function authenticates every ' +
      'request before reading its body: a shared header secret (Okta), a bearer token (SCIM) or an HMAC signature ' +
      '(HR, WorkOS, BambooHR), compared in constant time. /health returns no data.',
  );
  acknowledgeGuardRule(
    route,
    'lambda_function_public_access_prohibited_check',
    'The permission is for apigateway.amazonaws.com with a SourceArn: the execute-api ARN of this API (account, ' +
      "region, API id) and the route's path. The rule accepts only a literal or a local Ref there, not this Fn::Join.",
  );
}
