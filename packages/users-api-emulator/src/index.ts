/**
 * `@idp-sync/users-api-emulator`: the Users API v2 served locally, in memory, faithful to the contract the vendor's
 * published clients show (see the package README), with deterministic fault injection and emulator-only control endpoints.
 *
 * @example
 * import { startUsersApiEmulator } from '@idp-sync/users-api-emulator';
 * const emulator = await startUsersApiEmulator({ port: 4010 });
 * console.log(emulator.url, emulator.apiKey);
 * await emulator.stop();
 */
export type { ApiKeyInfo, Caller } from './auth';
export { parseCliArgs, runCli } from './cli';
export { ControlEndpoints } from './control';
export { Counters } from './counters';
export { CursorCodec, type CursorPosition } from './cursor';
export {
  BadRequestProblem,
  ConflictProblem,
  EmulatorConfigurationError,
  EmulatorListenError,
  ForbiddenProblem,
  HttpProblem,
  MethodNotAllowedProblem,
  NotFoundProblem,
  PayloadTooLargeProblem,
  RateLimitedProblem,
  UnauthorizedProblem,
  UnprocessableEntityProblem,
  UnsupportedMediaTypeProblem,
  UsersApiEmulatorError,
} from './errors';
export { exampleUsers } from './examples';
export { type FaultDecision, FaultInjector, RateLimitFault, seededRandom } from './faults';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './handlers';
export { decodeUserId, encodeGlobalId } from './ids';
export { startUsersApiEmulator, type UsersApiEmulator } from './server';
export { EmulatorState } from './state';
export * from './types';
