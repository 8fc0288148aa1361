export { createScimApp, type ScimAppOptions } from './app';
export { createBearerVerifier, parseBearerTokenSecret, type ScimBearerTokens } from './auth';
export {
  loadScimSettings,
  type ScimServiceConfig,
  type ScimServiceConfigInput,
  ScimServiceConfigSchema,
  type ScimSettings,
} from './config';
export {
  SCIM_BASE_PATH,
  SCIM_CONTENT_TYPE,
  SCIM_MAX_BODY_BYTES,
  SCIM_METRICS,
  SCIM_URN,
} from './constants';
export {
  ScimBadRequestError,
  ScimConfigError,
  ScimConflictError,
  ScimError,
  type ScimErrorType,
  ScimMethodNotAllowedError,
  ScimNotFoundError,
  ScimPayloadTooLargeError,
  ScimStoreConflictError,
  ScimUnauthorizedError,
  ScimUnavailableError,
  ScimUnsupportedMediaTypeError,
} from './errors';
export { matchesFilter, resolvePath } from './evaluate';
export { type AttrPath, type FilterExpr, parseAttrPath, parseFilter } from './filter';
export { createScimIngestRoute, type ScimRouteDependencies, type ScimRouteOptions } from './ingest-route';
export { SCIM_KEYS } from './keys';
export { type UsersGetClient, usersLookupFromClient } from './lookup';
export {
  commandIdFor,
  type Plan,
  type PlanInput,
  planCommands,
  type ScimOperationKind,
  type ScimPlanNote,
} from './mapping';
export { applyPatch, type PatchOperation, readPatchOperations } from './patch';
export { deriveEmail, deriveName, normalizeResource, renderUser, toBoolean } from './resource';
export { createScimService, type ScimService, type ScimServiceOptions } from './service';
export { createDynamoDbScimUserStore, type DynamoDbScimUserStoreOptions } from './store';
export type {
  BearerVerifier,
  CommandQueue,
  JsonObject,
  JsonValue,
  ScimLogger,
  ScimMetrics,
  ScimUserRecord,
  ScimUserState,
  ScimUserStore,
  UsersLookup,
  UsersLookupResult,
} from './types';
