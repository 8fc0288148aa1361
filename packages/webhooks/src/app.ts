import { type CommandQueueOptions, commandSenderFor } from '@idp-sync/contracts';
import type { HttpApp } from '@idp-sync/http';
import { createHttpRuntime, createRouter, type HttpRoute, type HttpRuntimeOptions, jsonResponse } from '@idp-sync/http';
import type { IngestConfig } from './config';
import { createBambooAdapter } from './sources/bamboohr/adapter';
import { createHrAdapter } from './sources/hr/adapter';
import { createOktaAdapter } from './sources/okta/adapter';
import { createWorkosAdapter } from './sources/workos/adapter';
import { webhookRoute } from './webhook-route';

/** The fixed webhook paths (scripts and tests outside the project rely on them). */
export const WEBHOOK_PATHS = {
  okta: '/webhooks/okta',
  hr: '/webhooks/hr',
  workos: '/webhooks/workos',
  bamboohr: '/webhooks/bamboohr',
} as const;

export const HEALTH_PATH = '/health';

export interface IngestAppOptions extends HttpRuntimeOptions, CommandQueueOptions {
  readonly config: IngestConfig;
  /**
   * More routes, matched after the webhook and health routes. SCIM is not one of them by default: it is its own
   * Lambda (`functions/scim`, {@link createScimApp}), so the webhook function bundles neither DynamoDB nor undici.
   */
  readonly extraRoutes?: readonly HttpRoute[];
  /** Extra fields for `GET /health` (the local stack adds queue depths). Failures make it answer 503. */
  readonly health?: () => Promise<Record<string, unknown>>;
}

/** The webhook app; only configured sources have routes. */
export type IngestApp = HttpApp;

/**
 * The ingest application without Lambda: the Lambda handler, the local stack and tests all call `handle`.
 * Routes exist only for sources whose secret is configured, so an unconfigured source answers 404. SCIM is served
 * by its own app ({@link createScimApp}) and Lambda.
 *
 * @example
 * const app = createIngestApp({ config: loadIngestConfig(process.env) });
 * const response = await app.handle(request);
 */
export function createIngestApp(options: IngestAppOptions): IngestApp {
  const { config } = options;
  const { secrets, logger, metrics, now } = createHttpRuntime(options);
  const sender = commandSenderFor(config, options);
  const deps = { secrets, sender, logger, metrics, now };
  const defaults = { defaultRole: config.defaultRole, defaultInviteMode: config.defaultInviteMode };

  const routes: HttpRoute[] = [
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
  routes.push(...(options.extraRoutes ?? []));

  return { handle: createRouter(routes, logger, metrics), routes };
}
