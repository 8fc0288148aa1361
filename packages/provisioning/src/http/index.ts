export { toApiGatewayResult, toIngestRequest } from './api-gateway';
export type { IngestRequest, IngestResponse } from './types';
