export {
  DirectoryFileError,
  EmptyDirectoryError,
  OktaSourceError,
  PlanFileError,
  ReconcileError,
  WorkosSourceError,
} from './errors';
export {
  APPLIED_ACTIONS,
  type ApiUserView,
  type ManagedView,
  PLAN_ACTIONS,
  type PlanAction,
  type PlanCounts,
  type PlanInput,
  type PlanRow,
  planReconcile,
} from './plan/planner';
export { parsePlan, serializePlan } from './plan-file';
export {
  applyPlan,
  commandsOf,
  PLAN_FORMAT_VERSION,
  type PlanOptions,
  planFrom,
  type ReconcilePlan,
} from './reconcile';
export {
  RECONCILE_METRICS,
  runScheduledCheck,
  SCHEDULED_APPLY_MODES,
  type ScheduledApplyMode,
  type ScheduledCheckOptions,
  type ScheduledSourceResult,
} from './scheduled';
export { readManagedPeople } from './snapshot/state-table';
export { readUsersApi, USERS_API_PAGE_SIZE } from './snapshot/users-api';
