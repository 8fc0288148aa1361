import { type CommandQueueOptions, commandSenderFor } from '@idp-sync/contracts';
import { createHttpRuntime, createRouter, type HttpApp, type HttpRuntimeOptions } from '@idp-sync/http';
import { ScimConfigError } from '../errors';
import { createScimRoute, type ScimRouteOptions } from './route';

export interface ScimAppOptions extends HttpRuntimeOptions, CommandQueueOptions {
  /** Overrides for the SCIM route (store, Users API lookup, tuning, environment); defaults come from `process.env`. */
  readonly scim?: ScimRouteOptions;
}

/**
 * The SCIM 2.0 service as an app on the ingest router, for its own Lambda (`functions/scim`): only `/scim/v2/*`,
 * anything else answers a 404 problem. It reuses the ingest secret provider (`SCIM_BEARER_TOKEN` or
 * `SCIM_BEARER_TOKEN_SECRET_ARN`, cached) and the ingest SQS sender. Everything is validated here, at INIT: the queue
 * and region (`config`), the bearer token (one of the two variables is required) and the SCIM settings
 * (`STATE_TABLE_NAME`, `SCIM_*`); a misconfiguration throws an error saying what to set.
 *
 * @example
 * const app = createScimApp({ config: loadHttpFunctionConfig(process.env) });
 * const response = await app.handle(request);
 */
export function createScimApp(options: ScimAppOptions): HttpApp {
  const { secrets, logger, metrics } = createHttpRuntime(options);
  const sender = commandSenderFor(options.config, options);
  if (!secrets.isConfigured('scim')) {
    throw new ScimConfigError([
      'SCIM_BEARER_TOKEN or SCIM_BEARER_TOKEN_SECRET_ARN: set one of them (the token Entra sends as its Secret Token)',
    ]);
  }
  const routes = [createScimRoute({ secrets, sender, logger, metrics, region: options.config.region }, options.scim)];
  return { handle: createRouter(routes, logger, metrics), routes };
}
