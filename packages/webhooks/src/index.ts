// The root: what the floors above use. functions/ingest builds the app from the config; the local stack checks HR
// secrets the way ingest does; the route paths are the contract infra's HTTP API is held to (test/infra/config.test.ts).
// Per-source pieces for tests are behind `./sources`, the vendors' signers behind `./sign`.
export { createIngestApp, HEALTH_PATH, type IngestApp, type IngestAppOptions, WEBHOOK_PATHS } from './app';
export { type IngestConfig, loadIngestConfig } from './config';
export { standardWebhooksSecretProblem } from './sources/hr/verify';
