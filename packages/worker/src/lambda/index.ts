export type { WorkerConfig } from './config';
export { resolveApiKey } from './secrets';
export { createWorkerUsersClient, type WorkerUsersClient } from './users-client';
