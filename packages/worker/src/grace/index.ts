export { type GracePeriodConfig, gracePeriodVariable, NO_GRACE_PERIODS, readGracePeriods } from './config';
export { type PendingDelete, PendingDeleteRepository, type ScheduleRequest } from './pending-deletes';
export {
  createGraceSweeper,
  GRACE_SWEEPER_METRICS,
  type GraceSweeperOptions,
  RESEND_AFTER_MS,
  type SweepReport,
} from './sweeper';
