export { createEmfMetrics } from './emf-metrics';
export { createJsonLogger, logLevelFromEnv } from './json-logger';
export { createMemoryMetrics } from './metrics';
