export type { JsonObject } from './protocol/json';
export { createScimApp } from './service/app';
export { SCIM_BASE_PATH } from './service/constants';
export type {
  CommandQueue,
  ScimLogger,
  ScimMetrics,
  ScimUserRecord,
  ScimUserStore,
  UsersLookup,
} from './service/ports';
