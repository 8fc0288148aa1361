import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Logger, type Metrics, redactEmailsIn } from '@idp-sync/common';
import type { CommandSender, DirectorySource } from '@idp-sync/contracts';
import type { UsersClient } from '@idp-sync/users-client';
import { PLAN_ACTIONS, type PlanAction, type PlanCounts } from './plan/planner';
import { applyPlan, planFrom, type ReconcilePlan } from './reconcile';

/**
 * What the scheduled check applies on its own: `report` nothing (the default); `creates-and-updates` the joins,
 * renames and adoptions it finds; `all` also the deletes — through the work queue, so the deletion guard (and any
 * grace period) decides on them.
 */
export const SCHEDULED_APPLY_MODES = ['report', 'creates-and-updates', 'all'] as const;
export type ScheduledApplyMode = (typeof SCHEDULED_APPLY_MODES)[number];

/** The metric names of the scheduled check (dimension `source`; `category` on `ReconcileDrift`). */
export const RECONCILE_METRICS = {
  /** People in a drift category, per source and category (`create`, `update`, `adopt`, `delete`, `unmanaged`, `terminal`). */
  drift: 'ReconcileDrift',
  /** Per source: people to create, update or delete, and terminal ones — what the alarm watches. */
  driftToRepair: 'ReconcileDriftToRepair',
  /** Commands the check sent (with an apply mode). */
  commandsSent: 'ReconcileCommandsSent',
  /** A source that could not be read or planned (its error is logged). */
  failed: 'ReconcileFailed',
} as const;

const ACTIONS_BY_MODE: Readonly<Record<ScheduledApplyMode, readonly PlanAction[]>> = {
  report: [],
  'creates-and-updates': ['create', 'update', 'adopt'],
  all: ['create', 'update', 'adopt', 'delete'],
};

export interface ScheduledCheckOptions {
  readonly sources: readonly DirectorySource[];
  readonly users: Pick<UsersClient['users'], 'iterate'>;
  readonly dynamoClient: DynamoDBClient;
  readonly tableName?: string;
  readonly scope?: readonly string[];
  readonly apply: ScheduledApplyMode;
  /** Needed unless `apply` is `report`. */
  readonly sender?: CommandSender;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface ScheduledSourceResult {
  readonly source: string;
  readonly counts?: PlanCounts;
  readonly sent: number;
  readonly error?: string;
}

/**
 * One run of the scheduled check: for each configured source, a snapshot and a plan; drift metrics per source and
 * category (the alarm fires when drift to repair persists across two runs); one log line of counts per source (never
 * an email); and, when an apply mode says so, the matching commands through the work queue. A source that fails is
 * logged and counted (`ReconcileFailed`) and the others still run; the result says which failed.
 *
 * @example
 * const results = await runScheduledCheck({ sources, users, dynamoClient, apply: 'report', metrics, logger });
 */
export async function runScheduledCheck(options: ScheduledCheckOptions): Promise<ScheduledSourceResult[]> {
  if (options.apply !== 'report' && options.sender === undefined) {
    throw new Error(`the scheduled check cannot apply (${options.apply}) without a queue`);
  }
  const results: ScheduledSourceResult[] = [];
  for (const source of options.sources) {
    let plan: ReconcilePlan;
    try {
      plan = await planFrom({
        source,
        users: options.users,
        dynamoClient: options.dynamoClient,
        ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
        scope: options.scope ?? [],
        ...(options.now === undefined ? {} : { now: options.now }),
      });
    } catch (error) {
      const message = redactEmailsIn(String((error as Error)?.message ?? error));
      options.metrics.count(RECONCILE_METRICS.failed, { source: source.name });
      options.logger.error('reconcile: the source could not be read or planned', {
        source: source.name,
        error: message,
      });
      results.push({ source: source.name, sent: 0, error: message });
      continue;
    }
    const { counts } = plan;
    for (const category of PLAN_ACTIONS) {
      options.metrics.count(RECONCILE_METRICS.drift, { source: source.name, category }, counts[category]);
    }
    const toRepair = counts.create + counts.update + counts.delete + counts.terminal;
    options.metrics.count(RECONCILE_METRICS.driftToRepair, { source: source.name }, toRepair);
    const applied = new Set(ACTIONS_BY_MODE[options.apply]);
    const selected: ReconcilePlan = { ...plan, rows: plan.rows.filter((row) => applied.has(row.action)) };
    let sent = 0;
    if (selected.rows.length > 0 && options.sender !== undefined) {
      sent = (await applyPlan(selected, options.sender)).sent;
      options.metrics.count(RECONCILE_METRICS.commandsSent, { source: source.name }, sent);
    }
    options.logger[toRepair > 0 ? 'warn' : 'info'](
      toRepair > 0
        ? 'reconcile: the Users API does not match the source'
        : 'reconcile: the Users API matches the source',
      {
        source: source.name,
        snapshotId: plan.snapshotId,
        ...Object.fromEntries(PLAN_ACTIONS.map((a) => [a, counts[a]])),
        inSync: counts.inSync,
        outOfScope: counts.outOfScope,
        apply: options.apply,
        commandsSent: sent,
      },
    );
    results.push({ source: source.name, counts, sent });
  }
  return results;
}
