// One email redaction for every package: callers above the users client (the CLI) take it from here.
export { redactEmail, redactEmailsIn } from '@idp-sync/users-client/redact';
export * from './applier';
export * from './command';
export * from './http';
export * from './ingest';
export * from './queue';
export * from './scim';
export * from './sources';
export * from './state';
export * from './worker';
