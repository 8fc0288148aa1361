export { createBearerVerifier, parseBearerTokenSecret } from './auth';
export { loadScimSettings, type ScimServiceConfigInput } from './config';
export { scimDirectorySource } from './directory-source';
export { createDynamoDbScimGroupStore } from './group-store';
export { readJsonBody, scimErrorResponse } from './http';
export { type PlanInput, planCommands } from './mapping';
export { createDynamoDbPersonGroups } from './person-groups';
export type {
  CommandQueue,
  PersonGroups,
  ScimGroupRecord,
  ScimGroupStore,
  ScimUserRecord,
  ScimUserStore,
  UsersLookup,
} from './ports';
export { createScimService, type ScimService } from './service';
export { createDynamoDbScimUserStore } from './store';
