import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  COMMAND_VERSION,
  type CommandSender,
  checkCommand,
  type DirectoryPerson,
  type DirectorySource,
  type ProvisioningCommand,
} from '@idp-sync/contracts';
import type { UsersClient } from '@idp-sync/users-client';
import { EmptyDirectoryError } from './errors';
import { APPLIED_ACTIONS, type PlanCounts, type PlanRow, planReconcile } from './plan/planner';
import { readManagedPeople } from './snapshot/state-table';
import { readUsersApi } from './snapshot/users-api';

/** The version of a saved plan's format (`--save-plan`, `--plan`). */
export const PLAN_FORMAT_VERSION = 1;

/** A plan from one snapshot of both sides: what `idp-sync reconcile` prints, saves and applies. */
export interface ReconcilePlan {
  readonly version: typeof PLAN_FORMAT_VERSION;
  /** Derived from the source and the snapshot time: every command id of the plan carries it. */
  readonly snapshotId: string;
  /** When the snapshot was read (RFC 3339): every command's `occurredAt`, so a newer webhook wins. */
  readonly takenAt: string;
  readonly source: string;
  readonly scope: readonly string[];
  readonly deleteUnmanaged: boolean;
  readonly counts: PlanCounts;
  readonly rows: readonly PlanRow[];
}

export interface PlanOptions {
  readonly source: DirectorySource;
  readonly users: Pick<UsersClient['users'], 'iterate'>;
  readonly dynamoClient: DynamoDBClient;
  readonly tableName?: string;
  /** Email domains in scope; empty or absent: every domain. */
  readonly scope?: readonly string[];
  readonly deleteUnmanaged?: boolean;
  readonly now?: () => Date;
}

/**
 * Reads both sides (the source of truth, the Users API with its iterator, the state table for who this pipeline
 * manages) and plans. A source that names nobody in scope is refused ({@link EmptyDirectoryError}): it would plan to
 * delete everyone.
 *
 * @example
 * const plan = await planFrom({ source: fileDirectorySource('people.csv'), users: client.users, dynamoClient });
 * console.log(plan.counts); // { create: 3, update: 1, adopt: 0, delete: 2, unmanaged: 0, terminal: 0, … }
 */
export async function planFrom(options: PlanOptions): Promise<ReconcilePlan> {
  const takenAt = (options.now ?? (() => new Date()))().toISOString();
  const directory: DirectoryPerson[] = [];
  for await (const person of options.source.people()) directory.push(person);
  const [usersApi, managed] = await Promise.all([
    readUsersApi(options.users),
    readManagedPeople(options.dynamoClient, options.tableName),
  ]);
  const scope = [...new Set((options.scope ?? []).map((d) => d.trim().toLowerCase().replace(/^@/, '')))].sort();
  const planned = planReconcile({
    directory,
    usersApi,
    managed,
    scope,
    deleteUnmanaged: options.deleteUnmanaged === true,
  });
  if (planned.counts.directory === 0) throw new EmptyDirectoryError(options.source.name, scope);
  return {
    version: PLAN_FORMAT_VERSION,
    snapshotId: createHash('sha256').update(`${options.source.name}\u0000${takenAt}`).digest('hex').slice(0, 16),
    takenAt,
    source: options.source.name,
    scope,
    deleteUnmanaged: options.deleteUnmanaged === true,
    ...planned,
  };
}

/**
 * The commands that apply a plan: source `reconcile`, event `reconcile.<action>`, `occurredAt` the snapshot's time,
 * and ids derived from the snapshot (`reconcile:<snapshot id>:<action>:<hash of the email>`), so applying the same
 * plan again sends the same commands and SQS's deduplication and the worker's idempotency records apply them once.
 * `adopt` is a create of someone the Users API already has: nothing changes there, and the worker records them as
 * managed. Reports (`unmanaged`, `terminal`) send nothing.
 *
 * @example
 * await sender.send(commandsOf(plan));
 */
export function commandsOf(plan: ReconcilePlan): ProvisioningCommand[] {
  const commands: ProvisioningCommand[] = [];
  for (const row of plan.rows) {
    if (!APPLIED_ACTIONS.includes(row.action)) continue;
    const action = row.action === 'adopt' ? 'create' : row.action;
    const checked = checkCommand({
      v: COMMAND_VERSION,
      id: `reconcile:${plan.snapshotId}:${row.action}:${createHash('sha256').update(row.email).digest('hex').slice(0, 32)}`,
      source: 'reconcile',
      sourceEventType: `reconcile.${row.action}`,
      occurredAt: plan.takenAt,
      receivedAt: plan.takenAt,
      action,
      email: row.email,
      ...(action !== 'delete' && row.name !== undefined ? { name: row.name } : {}),
      ...(action === 'create' && row.role !== undefined ? { role: row.role } : {}),
    });
    if (!checked.success) {
      throw new Error(
        `the plan's ${row.action} of row ${commands.length} is not a valid command: ${checked.error.issues[0]?.message}`,
      );
    }
    commands.push(checked.data);
  }
  return commands;
}

/**
 * Sends a plan's commands to the work queue in chunks, calling `onProgress(sent, total)` after each. Resolves when SQS
 * accepted every one; a failure rejects, and applying the same plan again sends the rest (and the rest only takes
 * effect: the ones sent before are duplicates).
 *
 * @example
 * await applyPlan(plan, sender, (sent, total) => bar.update(sent, { total }));
 */
export async function applyPlan(
  plan: ReconcilePlan,
  sender: CommandSender,
  onProgress?: (sent: number, total: number) => void,
): Promise<{ sent: number }> {
  const commands = commandsOf(plan);
  const CHUNK = 100;
  for (let i = 0; i < commands.length; i += CHUNK) {
    await sender.send(commands.slice(i, i + CHUNK));
    onProgress?.(Math.min(i + CHUNK, commands.length), commands.length);
  }
  if (commands.length === 0) onProgress?.(0, 0);
  return { sent: commands.length };
}
