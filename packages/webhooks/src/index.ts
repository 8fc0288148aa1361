export { createIngestApp, HEALTH_PATH, type IngestApp, type IngestAppOptions, WEBHOOK_PATHS } from './app';
export { type IngestConfig, loadIngestConfig } from './config';
export { BAMBOOHR_DEFAULT_TOLERANCE_MS } from './sources/bamboohr/verify';
export { standardWebhooksSecretProblem } from './sources/hr/verify';
export { DEFAULT_OKTA_AUTH_HEADER } from './sources/okta/verify';
export { WORKOS_DEFAULT_TOLERANCE_MS } from './sources/workos/verify';
export { webhookRoute } from './webhook-route';
