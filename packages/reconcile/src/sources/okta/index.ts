export { type OktaScope, type OktaSourceOptions, oktaDirectorySource } from './okta.source';
