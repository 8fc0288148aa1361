export * from './command';
export * from './http';
