export { SCIM_BASE_PATH } from './protocol/constants';
export { createScimApp } from './service/app';
export type {
  CommandQueue,
  JsonObject,
  ScimUserRecord,
  ScimUserStore,
  UsersLookup,
} from './types';
