export * from './command';
export * from './http';
export * from './ingest';
export * from './queue';
export * from './sources';
