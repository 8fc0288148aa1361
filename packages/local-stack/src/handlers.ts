import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@idp-sync/common';
import { LocalStackConfigError } from './errors';
import type { HttpApiHandler } from './http-ingest-server';
import type { SqsHandler } from './poller';

const require = createRequire(import.meta.url);

/** `functions/ingest/src/handler.ts` — the module the CDK stack bundles for the ingest Lambda. */
export function ingestHandlerPath(): string {
  return require.resolve('@idp-sync/ingest-function/handler');
}

/** `functions/scim/src/handler.ts` — the module the CDK stack bundles for the SCIM Lambda. */
export function scimHandlerPath(): string {
  return require.resolve('@idp-sync/scim-function/handler');
}

/** `functions/worker/src/handler.ts` — the module the CDK stack bundles for the worker Lambda. */
export function workerHandlerPath(): string {
  return join(dirname(require.resolve('@idp-sync/worker-function/handler')), 'handler.ts');
}

let loads = 0;

/**
 * Loads a fresh instance of a handler module: its top level (configuration read from `process.env`, clients, caches)
 * runs again, like the INIT phase of a new Lambda execution environment. The module URL gets a unique query so the
 * module cache does not hand back an earlier instance; the packages it imports are shared.
 */
async function freshInstance(path: string, label: string): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(path).href}?env=${label}-${++loads}`;
  try {
    return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (error) {
    // A ConfigError's message is a list over several lines; `npm start` prints one line, so its problems are joined.
    const reason =
      error instanceof ConfigError ? error.problems.join('; ') : ((error as Error)?.message ?? String(error));
    throw new LocalStackConfigError(
      `the ${label} handler failed to initialise: ${reason}`,
      'fix the environment variables it names (see packages/local-stack/README.md)',
      { cause: error },
    );
  }
}

/**
 * The real ingest Lambda handler, initialised from the current `process.env`. Set the environment first.
 *
 * @example
 * process.env.QUEUE_URL = queues.queueUrl;
 * const handler = await loadIngestHandler();
 */
export async function loadIngestHandler(): Promise<HttpApiHandler> {
  const module = await freshInstance(ingestHandlerPath(), 'ingest');
  if (typeof module.handler !== 'function') throw new Error('functions/ingest/src/handler.ts exports no handler');
  return module.handler as HttpApiHandler;
}

/**
 * The real SCIM Lambda handler, initialised from the current `process.env` (it needs `SCIM_BEARER_TOKEN` or
 * `SCIM_BEARER_TOKEN_SECRET_ARN`). Set the environment first.
 *
 * @example
 * process.env.SCIM_BEARER_TOKEN = token;
 * const handler = await loadScimHandler();
 */
export async function loadScimHandler(): Promise<HttpApiHandler> {
  const module = await freshInstance(scimHandlerPath(), 'scim');
  if (typeof module.handler !== 'function') throw new Error('functions/scim/src/handler.ts exports no handler');
  return module.handler as HttpApiHandler;
}

/**
 * The real worker Lambda handler, initialised from the current `process.env`: one call, one execution environment.
 *
 * @example
 * const handlers = await Promise.all([loadWorkerHandler(), loadWorkerHandler()]);
 */
export async function loadWorkerHandler(): Promise<SqsHandler> {
  const module = await freshInstance(workerHandlerPath(), 'worker');
  if (typeof module.handler !== 'function') throw new Error('functions/worker/src/handler.ts exports no handler');
  return module.handler as SqsHandler;
}
