export * from './applier';
export * from './command';
export * from './http';
export * from './ingest';
export * from './queue';
export * from './sources';
export * from './state';
export * from './worker';
