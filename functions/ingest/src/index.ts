export { toApiGatewayResult, toIngestRequest } from './event';
