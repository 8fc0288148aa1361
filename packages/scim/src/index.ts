export { createScimApp } from './service/app';
export { SCIM_BASE_PATH } from './service/constants';
