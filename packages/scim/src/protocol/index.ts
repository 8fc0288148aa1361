export { SCIM_URN } from './constants';
export { matchesFilter } from './evaluate';
export { parseAttrPath, parseFilter } from './filter';
export {
  type GroupMember,
  type GroupPatchStep,
  readGroupInput,
  readGroupPatch,
  renderGroup,
  SCIM_MAX_MEMBERS_PER_REQUEST,
} from './group';
export type { JsonObject } from './json';
export { applyPatch, readPatchOperations } from './patch';
export {
  deriveEmail,
  deriveName,
  normalizeResource,
  parseAttributeList,
  projectResource,
  renderUser,
} from './resource';
