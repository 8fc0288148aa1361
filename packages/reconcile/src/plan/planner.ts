import type { DirectoryPerson, PredefinedRole } from '@idp-sync/contracts';

/**
 * What reconcile plans for one person:
 * - `create`: active in the source of truth, not in the Users API;
 * - `update`: in both, the name differs (the only attribute the Users API lets us change);
 * - `adopt`: in both and in sync, but this pipeline never provisioned them (the day-one import): a create of an
 *   existing user, which changes nothing in the Users API and makes them managed (counted, deleted when they leave);
 * - `delete`: in the Users API, provisioned by this pipeline, and gone or inactive in the source;
 * - `unmanaged`: in the Users API, never provisioned by this pipeline, and not active in the source — reported, never
 *   touched unless asked (`deleteUnmanaged`: then a `delete`);
 * - `terminal`: the source wants them active, but this pipeline deleted their email: the Users API can never create
 *   it again.
 */
export const PLAN_ACTIONS = ['create', 'update', 'adopt', 'delete', 'unmanaged', 'terminal'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** The actions that send a command when a plan is applied (`unmanaged` and `terminal` are reports). */
export const APPLIED_ACTIONS: readonly PlanAction[] = ['create', 'update', 'adopt', 'delete'];

/** A user as the Users API lists them. */
export interface ApiUserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly status: 'ACTIVE' | 'INVITED' | 'EXPIRED';
}

/** What this pipeline knows of a person (its state table): their last known status, `DELETED` when it deleted them. */
export interface ManagedView {
  readonly status?: 'ACTIVE' | 'INVITED' | 'EXPIRED' | 'DELETED';
}

export interface PlanRow {
  readonly action: PlanAction;
  readonly email: string;
  /** The name the source has (create, update, adopt). */
  readonly name?: string;
  /** The role the source asks for at create. */
  readonly role?: PredefinedRole;
  /** The name the Users API has (update). */
  readonly currentName?: string;
  /** The Users API's id and status, when it has the person. */
  readonly userId?: string;
  readonly apiStatus?: ApiUserView['status'];
  /** Why, in words, and what to do for the reports. */
  readonly reason: string;
}

export interface PlanCounts extends Record<PlanAction, number> {
  /** People in both, in sync and managed: nothing to do. */
  readonly inSync: number;
  /** People left out by the domain scope (on either side). */
  readonly outOfScope: number;
  /** People in the source of truth (in scope), active or not. */
  readonly directory: number;
  /** Users in the Users API (in scope). */
  readonly usersApi: number;
}

export interface PlanInput {
  readonly directory: readonly DirectoryPerson[];
  readonly usersApi: readonly ApiUserView[];
  /** By email (lower-cased): everyone this pipeline has a state for. */
  readonly managed: ReadonlyMap<string, ManagedView>;
  /** Email domains in scope (lower-case, no `@`); empty: every domain. */
  readonly scope?: readonly string[];
  /** Delete unmanaged users too (they are only reported otherwise). */
  readonly deleteUnmanaged?: boolean;
}

/**
 * The plan from one snapshot of both sides, with no I/O: rows sorted by action then email, and the counts.
 *
 * @example
 * const { counts, rows } = planReconcile({ directory, usersApi, managed, scope: ['example.com'] });
 */
export function planReconcile(input: PlanInput): { counts: PlanCounts; rows: PlanRow[] } {
  const scope = new Set((input.scope ?? []).map((d) => d.toLowerCase().replace(/^@/, '')));
  const inScope = (email: string) => scope.size === 0 || scope.has(email.slice(email.lastIndexOf('@') + 1));
  const counts = {
    create: 0,
    update: 0,
    adopt: 0,
    delete: 0,
    unmanaged: 0,
    terminal: 0,
    inSync: 0,
    outOfScope: 0,
    directory: 0,
    usersApi: 0,
  };
  const directory = new Map<string, DirectoryPerson>();
  for (const person of input.directory) {
    if (!inScope(person.email)) counts.outOfScope++;
    else directory.set(person.email, person);
  }
  const api = new Map<string, ApiUserView>();
  for (const user of input.usersApi) {
    const email = user.email.toLowerCase();
    if (!inScope(email)) counts.outOfScope++;
    else api.set(email, user);
  }
  counts.directory = directory.size;
  counts.usersApi = api.size;

  const rows: PlanRow[] = [];
  const add = (row: PlanRow) => {
    rows.push(row);
    counts[row.action]++;
  };
  for (const email of new Set([...directory.keys(), ...api.keys()])) {
    const person = directory.get(email);
    const user = api.get(email);
    const managed = input.managed.get(email);
    const isManaged = managed !== undefined && managed.status !== 'DELETED';
    const ids = user === undefined ? {} : { userId: user.id, apiStatus: user.status };
    if (person?.active === true) {
      const named = person.name === undefined ? {} : { name: person.name };
      if (user === undefined) {
        if (managed?.status === 'DELETED') {
          add({
            action: 'terminal',
            email,
            ...named,
            reason:
              'active in the source, but this pipeline deleted the email and the Users API can never create it again: invite the person under another address (or ask the vendor to restore the account)',
          });
        } else {
          add({
            action: 'create',
            email,
            ...named,
            ...(person.role === undefined ? {} : { role: person.role }),
            reason: 'active in the source, not in the Users API',
          });
        }
      } else if (person.name !== undefined && person.name !== user.name) {
        add({ action: 'update', email, ...named, currentName: user.name, ...ids, reason: 'the name differs' });
      } else if (!isManaged) {
        add({
          action: 'adopt',
          email,
          ...named,
          ...ids,
          reason:
            'in both and in sync, not provisioned by this pipeline yet: adopted (nothing changes in the Users API)',
        });
      } else counts.inSync++;
    } else if (user !== undefined) {
      const why = person === undefined ? 'not in the source' : 'inactive in the source';
      if (isManaged) add({ action: 'delete', email, ...ids, reason: `${why}, provisioned by this pipeline` });
      else if (input.deleteUnmanaged === true) {
        add({
          action: 'delete',
          email,
          ...ids,
          reason: `${why}, never provisioned by this pipeline (--delete-unmanaged)`,
        });
      } else {
        add({
          action: 'unmanaged',
          email,
          ...ids,
          reason: `${why}, never provisioned by this pipeline: left alone (delete it by hand, or run with --delete-unmanaged)`,
        });
      }
    }
  }
  const order = new Map(PLAN_ACTIONS.map((action, i) => [action, i]));
  rows.sort(
    (a, b) =>
      (order.get(a.action) ?? 0) - (order.get(b.action) ?? 0) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0),
  );
  return { counts, rows };
}
