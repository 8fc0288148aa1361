import { SQSClient } from '@aws-sdk/client-sqs';
import type { IngestRequest, IngestResponse } from '../http';
import { type CommandSender, createSqsCommandSender } from '../queue';
import { createScimIngestRoute, type ScimRouteOptions } from '../scim/ingest-route';
import { createBambooAdapter } from '../sources/bamboohr';
import { createHrAdapter } from '../sources/hr';
import { createOktaAdapter } from '../sources/okta';
import { createWorkosAdapter } from '../sources/workos';
import type { IngestConfig } from './config';
import { type IngestLogger, silentLogger } from './logger';
import { type IngestMetrics, noopMetrics } from './metrics';
import { jsonResponse } from './problem';
import { createRouter, type IngestRoute } from './router';
import { createSecretProvider, type SecretProvider } from './secrets';
import { webhookRoute } from './webhook-route';

/** The fixed webhook paths (scripts and tests outside the project rely on them). */
export const WEBHOOK_PATHS = {
  okta: '/webhooks/okta',
  hr: '/webhooks/hr',
  workos: '/webhooks/workos',
  bamboohr: '/webhooks/bamboohr',
} as const;

export const HEALTH_PATH = '/health';

export interface IngestAppOptions {
  readonly config: IngestConfig;
  /** Defaults to a client for `config.region` / `config.sqsEndpoint`. */
  readonly sqsClient?: Pick<SQSClient, 'send'>;
  /** Replaces the SQS sender entirely (tests). */
  readonly sender?: CommandSender;
  /** Defaults to {@link createSecretProvider}(config). */
  readonly secrets?: SecretProvider;
  readonly logger?: IngestLogger;
  readonly metrics?: IngestMetrics;
  /** The clock (epoch ms): verification tolerances and `receivedAt`. */
  readonly now?: () => number;
  /** More routes (SCIM plugs in here), matched after the webhook and health routes. */
  readonly extraRoutes?: readonly IngestRoute[];
  /** Overrides for the SCIM route (`/scim/v2/*`), which exists when `SCIM_BEARER_TOKEN(_SECRET_ARN)` is configured. */
  readonly scim?: ScimRouteOptions;
  /** Extra fields for `GET /health` (the local stack adds queue depths). Failures make it answer 503. */
  readonly health?: () => Promise<Record<string, unknown>>;
}

export interface IngestApp {
  /** Answers one request. Never throws. */
  handle(request: IngestRequest): Promise<IngestResponse>;
  /** The route table in use (only configured sources have routes). */
  readonly routes: readonly IngestRoute[];
}

/**
 * The ingest application without Lambda: the Lambda handler, the local stack and tests all call `handle`.
 * Routes exist only for sources whose secret is configured, so an unconfigured source answers 404.
 *
 * @example
 * const app = createIngestApp({ config: loadIngestConfig(process.env) });
 * const response = await app.handle(request);
 */
export function createIngestApp(options: IngestAppOptions): IngestApp {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetrics;
  const now = options.now ?? Date.now;
  const secrets =
    options.secrets ??
    createSecretProvider(config, {
      now,
      onStale: (name, error) =>
        logger.warn('secret refresh failed; using the cached value', { secret: name, error: (error as Error)?.name }),
    });
  const sender =
    options.sender ??
    createSqsCommandSender({
      client:
        options.sqsClient ??
        new SQSClient({ region: config.region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) }),
      queueUrl: config.queueUrl,
      maxAttempts: config.sqsSendAttempts,
    });
  const deps = { secrets, sender, logger, metrics, now };
  const defaults = { defaultRole: config.defaultRole, defaultInviteMode: config.defaultInviteMode };

  const routes: IngestRoute[] = [
    {
      name: 'health',
      methods: ['GET'],
      pathPattern: HEALTH_PATH,
      handler: async () => {
        if (!options.health) return jsonResponse(200, { status: 'ok' });
        try {
          return jsonResponse(200, { status: 'ok', ...(await options.health()) });
        } catch (error) {
          logger.warn('health check failed', { error: (error as Error)?.name, reason: (error as Error)?.message });
          return jsonResponse(503, { status: 'unavailable' });
        }
      },
    },
  ];
  if (secrets.isConfigured('okta')) {
    const okta = createOktaAdapter({ ...defaults, ...config.okta });
    routes.push(
      webhookRoute(okta, deps, { path: WEBHOOK_PATHS.okta, successStatus: 200, challenge: (r) => okta.challenge(r) }),
    );
  }
  if (secrets.isConfigured('hr')) {
    routes.push(webhookRoute(createHrAdapter(defaults), deps, { path: WEBHOOK_PATHS.hr, successStatus: 202 }));
  }
  if (secrets.isConfigured('workos')) {
    const workos = createWorkosAdapter({ ...defaults, toleranceMs: config.workos.toleranceMs });
    routes.push(webhookRoute(workos, deps, { path: WEBHOOK_PATHS.workos, successStatus: 202 }));
  }
  if (secrets.isConfigured('bamboohr')) {
    const bamboo = createBambooAdapter({ ...defaults, ...config.bamboohr });
    routes.push(webhookRoute(bamboo, deps, { path: WEBHOOK_PATHS.bamboohr, successStatus: 202 }));
  }
  if (secrets.isConfigured('scim')) {
    routes.push(createScimIngestRoute({ secrets, sender, logger, metrics, region: config.region }, options.scim));
  }
  routes.push(...(options.extraRoutes ?? []));

  return { handle: createRouter(routes, logger, metrics), routes };
}
