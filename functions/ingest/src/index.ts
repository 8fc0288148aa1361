export { toApiGatewayResult, toIngestRequest } from '@idp-sync/provisioning';
