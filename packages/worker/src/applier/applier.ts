import { redactEmailsIn } from '@idp-sync/common';
import {
  chooseRole,
  groupValuesOfSource,
  type InviteMode,
  type PredefinedRole,
  type ProvisioningCommand,
  type RolePolicyRule,
  tagGroupValues,
} from '@idp-sync/contracts';
import {
  BadRequestError,
  type BulkDeleteItemResult,
  ConflictError,
  NotFoundError,
  type Role,
  roles,
  UnprocessableEntityError,
  type UsersClient,
} from '@idp-sync/users-client';
import {
  BulkDeleteItemError,
  COMMAND_ID_HELD_WITH_OTHER_CONTENT,
  CommandRejectedError,
  DeleteDeferredError,
  DeleteHeldError,
} from '../errors';
import type { PersonStateStore } from '../state/batch-view';
import { MAX_RECORDED_GROUPS, watermarkMs } from '../state/person-state';
import type { AppliedChange, PersonState, PersonStatus, RecordAppliedResult } from '../state/types';
import { type EffectiveWatermark, effectiveWatermark } from '../state/watermark';
import type { ApplyContext, ApplyResult, DeleteGracePort, DeleteGuardPort, GraceDecision } from './types';

/** The Users API operations the applier uses (a `UsersClient['users']` fits). */
export type ApplierUsersApi = Pick<
  UsersClient['users'],
  'get' | 'create' | 'update' | 'delete' | 'resendInvitation' | 'resetPassword' | 'bulkDelete'
>;

export interface ApplierOptions {
  users: ApplierUsersApi;
  /** The repository, or a per-batch view over it. */
  state: PersonStateStore;
  /** Role for a create that names none. */
  defaultRole: PredefinedRole;
  /** Invite mode for a create that names none. */
  defaultInviteMode: InviteMode;
  /** The clock that tells a watermark from the future (see `effectiveWatermark`); default `Date.now`. */
  now?: () => Date;
  /** The deletion guard every delete of a person passes first (none: deletes are not limited). */
  guard?: DeleteGuardPort;
  /** The grace periods a deactivation waits out (none: every delete is applied when read). */
  grace?: DeleteGracePort;
  /** The role policy: the first rule matching the create's facts decides its role (none: the command's, else the default). */
  rolePolicy?: readonly RolePolicyRule[];
}

const IMMEDIATE: GraceDecision = { kind: 'immediate' };

/**
 * The reason on the DLQ message when a deleted person is created again.
 *
 * @example
 * deadLetter.attributes.errorMessage === EMAIL_DELETED_REASON
 */
export const EMAIL_DELETED_REASON = 'email was deleted; the Users API cannot re-create a deleted user';

/** A person as the applier resolved them: from the state table (warm) or a lookup (cold). */
interface Resolved {
  userId: string;
  status?: PersonStatus;
  /** True when the id came from the state table without an API call. */
  cached: boolean;
}

/**
 * Applies one provisioning command to the Users API, as the package README's "Applying each action" describes:
 * - create → `users.create`; 200/201 are success; 409 for an existing member is success for a join (the member is
 *   looked up to cache its id unless the state already knows it), 409 for an email with no user left means the
 *   email was deleted → {@link CommandRejectedError} `EmailDeleted`;
 * - update → only `name` and `isDeveloper` are sent; `role`, `inviteMode` and the command's `unsupported` list are
 *   recorded on the state item instead; an unknown person → `UserNotFound`;
 * - delete → through the batch's bulk delete when given a ticket, else `users.delete`; already gone is success;
 * - resend-invitation → INVITED: resend; ACTIVE: no-op; EXPIRED: re-invited with `users.create` (the API makes a
 *   new INVITED user for an expired email and mails it);
 * - reset-password → `users.resetPassword`; a 400 (SSO user, unverified) → `ResetPasswordRejected`.
 *
 * A command older than the person's watermark is `stale` and touches nothing; the result names the watermark and the
 * command that set it. A watermark stored from the future (before `occurredAt` was capped) is read as bounded
 * (`effectiveWatermark`), said in the result's notes, and replaced by the next command applied. A warm person (id in
 * the state table) costs one API call per command; a cold one adds one lookup, after which the id is cached.
 *
 * @example
 * const applier = new Applier({ users: client.users, state: repo, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 * const result = await applier.apply(command); // { outcome: 'applied', action: 'create', detail: 'created' }
 */
export class Applier {
  readonly #users: ApplierUsersApi;
  readonly #state: PersonStateStore;
  readonly #defaultRole: PredefinedRole;
  readonly #defaultInviteMode: InviteMode;
  readonly #now: () => Date;
  readonly #guard: DeleteGuardPort | undefined;
  readonly #grace: DeleteGracePort | undefined;
  readonly #rolePolicy: readonly RolePolicyRule[];

  constructor(options: ApplierOptions) {
    this.#rolePolicy = options.rolePolicy ?? [];
    this.#guard = options.guard;
    this.#grace = options.grace;
    this.#users = options.users;
    this.#state = options.state;
    this.#defaultRole = options.defaultRole;
    this.#defaultInviteMode = options.defaultInviteMode;
    this.#now = options.now ?? (() => new Date());
  }

  /** Applies `command`; throws Users API errors, {@link CommandRejectedError} or state-store errors. */
  async apply(command: ProvisioningCommand, context: ApplyContext = {}): Promise<ApplyResult> {
    context.executed = true;
    try {
      const stored = await this.#state.get(command.email);
      // A membership is a fact for the role policy, ordered by the person's FIFO group but never stale: it moves no
      // watermark and changes nothing in the Users API.
      if (command.action === 'membership') return await this.#membership(command, stored);
      const grace =
        command.action === 'delete' && this.#grace !== undefined
          ? await this.#grace.decide(command, stored)
          : IMMEDIATE;
      if (grace.kind === 'reused')
        throw new CommandRejectedError('CommandIdReused', COMMAND_ID_HELD_WITH_OTHER_CONTENT);
      if (grace.kind === 'cancelled') throw new DeleteDeferredError('cancelled');
      const watermark = effectiveWatermark(stored, this.#now().getTime());
      // A released delete is older than whatever updated the person while it waited; only a join or a reactivation
      // cancels it (it would have: the release is not cancelled), so the watermark does not stop it.
      if (grace.kind !== 'release' && watermark !== undefined && watermarkMs(command.occurredAt) < watermark.ms) {
        return {
          outcome: 'stale',
          action: command.action,
          detail: 'older-than-watermark',
          watermark: watermark.at,
          ...(watermark.setBy === undefined ? {} : { watermarkCommandId: watermark.setBy }),
          ...(watermark.suspectMs === undefined ? {} : { notes: [suspectNote(watermark)] }),
        };
      }
      if (grace.kind === 'waiting') throw new DeleteDeferredError('waiting', new Date(grace.dueAtMs).toISOString());
      if (grace.kind === 'schedule') return await this.#schedule(command, stored, grace.dueAtMs);
      const result = await this.#applyFresh(command, stored, context, grace);
      if (watermark?.suspectMs !== undefined) result.notes = [...(result.notes ?? []), suspectNote(watermark)];
      return result;
    } finally {
      // A delete that returned before submitting (stale, already gone) must not hold up the rest of the bulk delete.
      context.bulkDelete?.release();
    }
  }

  /**
   * A deactivation that starts a grace period: the watermark moves to it (an older join arriving late cannot cancel
   * it) and the person's state says a delete waits, then the delete is scheduled for the sweeper. With
   * `GRACE_REVOKE_DEVELOPER=on`, API use is switched off at once. Ends in {@link DeleteDeferredError}: the record is
   * acknowledged without an idempotency record, so the release (the same command) can run later.
   */
  async #schedule(
    command: ProvisioningCommand,
    stored: PersonState | undefined,
    dueAtMs: number,
  ): Promise<ApplyResult> {
    const grace = this.#grace as DeleteGracePort;
    const recorded = await this.#recordApplied(stored, {
      email: command.email,
      commandId: command.id,
      occurredAt: command.occurredAt,
      pendingDelete: true,
      unsupported: command.unsupported,
    });
    if (recorded === 'superseded') {
      return { outcome: 'stale', action: 'delete', detail: 'older-than-watermark' };
    }
    if ((await grace.schedule(command, dueAtMs)) === 'exists') throw new DeleteDeferredError('waiting');
    let note: string | undefined;
    if (grace.revokeDeveloper) {
      try {
        await this.#revokeDeveloper(command, stored);
      } catch (error) {
        // Best effort: the delete is scheduled either way; without it API use stays on for the window, as by default.
        note = `is_developer could not be switched off while the delete waits: ${redactEmailsIn(String((error as Error)?.message))}`;
      }
    }
    throw new DeleteDeferredError('scheduled', new Date(dueAtMs).toISOString(), note);
  }

  /** Switches `is_developer` off while the delete waits, and notes it so that a return switches it back on. */
  async #revokeDeveloper(command: ProvisioningCommand, stored: PersonState | undefined): Promise<void> {
    const target = await this.#resolve(command.email, stored);
    if (target === null) return;
    const user = await this.#users.get({ user: target.userId });
    if (user === null || !user.isDeveloper) return;
    await this.#users.update({ userId: user.id, isDeveloper: false });
    await (this.#grace as DeleteGracePort).markDeveloperRevoked(command);
  }

  /**
   * A join or reactivation of a person whose delete waits: cancels it (before the API call, so a retry finds nothing
   * to cancel rather than a delete left behind). Returns whether `is_developer` must be switched back on.
   */
  async #cancelScheduledDelete(command: ProvisioningCommand, stored: PersonState | undefined): Promise<boolean> {
    if (stored?.pendingDelete !== true || this.#grace === undefined) return false;
    const cancelled = await this.#grace.cancel(command);
    return cancelled?.revokedDeveloper === true && command.isDeveloper === undefined;
  }

  /** The action itself, for a command that is not stale. */
  async #applyFresh(
    command: ProvisioningCommand,
    state: PersonState | undefined,
    context: ApplyContext,
    grace: GraceDecision,
  ): Promise<ApplyResult> {
    switch (command.action) {
      case 'create':
        return await this.#create(command, state);
      case 'update':
        return await this.#update(command, state);
      case 'delete':
        return await this.#deleteAfterGrace(command, state, context, grace);
      case 'resend-invitation':
        return await this.#resend(command, state);
      case 'reset-password':
        return await this.#resetPassword(command, state);
      default:
        throw new CommandRejectedError(
          'UnknownAction',
          `unknown action ${String((command as { action: unknown }).action)}`,
        );
    }
  }

  /** Records an applied command; a suspect watermark read in `state` may be replaced by it (`effectiveWatermark`). */
  async #recordApplied(state: PersonState | undefined, change: AppliedChange): Promise<RecordAppliedResult> {
    const suspectMs = effectiveWatermark(state, this.#now().getTime())?.suspectMs;
    return await this.#state.recordApplied(
      suspectMs === undefined ? change : { ...change, replacesWatermarkMs: suspectMs },
    );
  }

  async #create(command: ProvisioningCommand, state: PersonState | undefined): Promise<ApplyResult> {
    const notes: string[] = [];
    const restoreDeveloper = await this.#cancelScheduledDelete(command, state);
    let user: { id: string; status: PersonStatus };
    let detail: string;
    try {
      const chosen = this.#roleFor(command, state);
      if (chosen.note !== undefined) notes.push(chosen.note);
      const custom = chosen.customRoleId;
      const result = await this.#users.create({
        name: command.name ?? nameFromEmail(command.email),
        email: command.email,
        role: custom === undefined ? roles.predefined(chosen.predefined) : roles.custom(custom),
        inviteMode: command.inviteMode ?? this.#defaultInviteMode,
        // A custom role's default developer flag is not published: always explicit with one (off unless asked).
        ...(command.isDeveloper === undefined
          ? custom === undefined
            ? {}
            : { isDeveloper: false }
          : { isDeveloper: command.isDeveloper }),
      });
      user = result.user;
      detail = result.created ? 'created' : result.user.status === 'ACTIVE' ? 'already-active' : 'already-invited';
      // The password is a secret shown once; the worker has no channel to deliver it, so it is dropped, not logged.
      if (result.temporaryPassword !== undefined) notes.push('temporary password generated by the API was discarded');
    } catch (error) {
      const custom = this.#roleFor(command, state).customRoleId;
      if (error instanceof UnprocessableEntityError && custom !== undefined) {
        throw new CommandRejectedError(
          'CustomRoleUnknown',
          `the Users API refused custom role ${custom}: the account has no such role — create it in the account (or correct the role the source or the role policy names), then replay`,
          { httpStatus: error.status, cause: error },
        );
      }
      if (!(error instanceof ConflictError)) throw error;
      user = await this.#resolveConflict(command, state, error);
      detail = 'already-active';
    }
    if (restoreDeveloper) {
      await this.#users.update({ userId: user.id, isDeveloper: true });
      notes.push('is_developer switched back on: it was switched off while the delete waited');
    }
    const recorded = await this.#recordApplied(state, {
      email: command.email,
      commandId: command.id,
      occurredAt: command.occurredAt,
      userId: user.id,
      status: user.status,
      unsupported: command.unsupported,
      ...(state?.pendingDelete === true ? { pendingDelete: false } : {}),
    });
    if (recorded === 'superseded' && (await this.#leftMeanwhile(command))) {
      await this.#undoJoin(user.id);
      return withOptional({ outcome: 'stale', action: 'create', detail: 'undone-by-newer-leave' }, command.unsupported);
    }
    // One more person this pipeline manages: the deletion guard's limit grows with them.
    // (A state with no status yet holds only recorded memberships: the person is new.)
    if (recorded === 'written' && (state?.status === undefined || state.status === 'DELETED'))
      await this.#guard?.personAdded();
    return withOptional(
      { outcome: 'applied', action: 'create', detail, status: user.status },
      command.unsupported,
      notes,
    );
  }

  /**
   * Records a group membership for the role policy. For someone who already has an account, a membership that would
   * make the policy choose another role is reported as unsupported: the Users API sets roles only at create.
   */
  async #membership(command: ProvisioningCommand, stored: PersonState | undefined): Promise<ApplyResult> {
    const membership = command.membership;
    if (membership === undefined)
      throw new CommandRejectedError('InvalidCommand', 'a membership command without its membership');
    // Tagged with the source: a create reads only what its own source recorded (contracts' tagGroupValues).
    const values = tagGroupValues(command.source, [
      membership.group,
      ...(membership.groupId === undefined ? [] : [membership.groupId]),
    ]);
    const after = await this.#state.recordMembership(command.email, membership.op, values);
    if (after === 'full') {
      const note = `not recorded: the person already has ${MAX_RECORDED_GROUPS} group names and ids recorded`;
      return { outcome: 'noop', action: 'membership', detail: 'too-many-groups', notes: [note] };
    }
    const detail = membership.op === 'add' ? 'membership-added' : 'membership-removed';
    const hasAccount = stored?.status !== undefined && stored.status !== 'DELETED';
    if (hasAccount && this.#rolePolicy.length > 0) {
      const groupsOf = (state: PersonState | undefined) => groupValuesOfSource(command.source, state?.groups ?? []);
      const was = chooseRole(this.#rolePolicy, command.source, { groups: groupsOf(stored) });
      const now = chooseRole(this.#rolePolicy, command.source, { groups: groupsOf(after) });
      if (JSON.stringify(was?.assign) !== JSON.stringify(now?.assign)) {
        return { outcome: 'applied', action: 'membership', detail, unsupported: ['role'] };
      }
    }
    return { outcome: 'applied', action: 'membership', detail };
  }

  /**
   * The role a create assigns: the command's custom role when it names one; else the first rule of the role policy
   * that matches what the source said (`facts`); else the command's predefined role, else `DEFAULT_ROLE`.
   */
  #roleFor(
    command: ProvisioningCommand,
    state: PersonState | undefined,
  ): { predefined: PredefinedRole; customRoleId?: string; note?: string } {
    const fallback = command.role ?? this.#defaultRole;
    if (command.customRoleId !== undefined) return { predefined: fallback, customRoleId: command.customRoleId };
    // What the create's own event says, and the memberships recorded before it (they may have arrived first).
    const recorded = groupValuesOfSource(command.source, state?.groups ?? []);
    const facts = { ...command.facts, groups: [...(command.facts?.groups ?? []), ...recorded] };
    const chosen = this.#rolePolicy.length === 0 ? undefined : chooseRole(this.#rolePolicy, command.source, facts);
    if (chosen === undefined) return { predefined: fallback };
    const note = `role from the role policy's rule ${chosen.rule}`;
    return 'customRoleId' in chosen.assign
      ? { predefined: fallback, customRoleId: chosen.assign.customRoleId, note }
      : { predefined: chosen.assign.predefined, note };
  }

  /**
   * A newer leave of this person was applied while this join's call was in flight (possible once a source's stable
   * id puts a person's commands under two addresses, hence two FIFO groups): the person left, so the account this
   * join made or found must not stay. A retry would only find this join stale, so a failure here goes to the DLQ
   * (`LeftDuringJoin`) for on-call rather than back to the queue.
   */
  async #undoJoin(userId: string): Promise<void> {
    try {
      await this.#deleteOne(userId, {});
    } catch (error) {
      throw new CommandRejectedError(
        'LeftDuringJoin',
        `a newer leave of this person was applied while this join ran, and the account the join made could not be deleted: delete user ${userId} by hand`,
        { cause: error },
      );
    }
  }

  /** True when the person's state now holds a leave newer than `command` (read fresh after a lost write). */
  async #leftMeanwhile(command: ProvisioningCommand): Promise<boolean> {
    const now = await this.#state.get(command.email);
    return (
      now?.status === 'DELETED' && now.watermarkMs !== undefined && now.watermarkMs > watermarkMs(command.occurredAt)
    );
  }

  /** 409 on create: an existing member (a join that already happened) or a deleted email (never again creatable). */
  async #resolveConflict(
    command: ProvisioningCommand,
    state: PersonState | undefined,
    conflict: ConflictError,
  ): Promise<{ id: string; status: PersonStatus }> {
    if (state?.userId !== undefined && state.status === 'ACTIVE') return { id: state.userId, status: 'ACTIVE' };
    if (state?.userId !== undefined && state.status === 'DELETED') {
      throw new CommandRejectedError('EmailDeleted', EMAIL_DELETED_REASON, { httpStatus: 409, cause: conflict });
    }
    const found = await this.#users.get({ user: command.email });
    if (found === null) {
      throw new CommandRejectedError('EmailDeleted', EMAIL_DELETED_REASON, { httpStatus: 409, cause: conflict });
    }
    return found;
  }

  async #update(command: ProvisioningCommand, state: PersonState | undefined): Promise<ApplyResult> {
    const unsupported = [...(command.unsupported ?? [])];
    if (command.role !== undefined || command.customRoleId !== undefined) unsupported.push('role');
    if (command.inviteMode !== undefined) unsupported.push('inviteMode');
    // An update that says the person is active (WorkOS `state: active`, BambooHR `Active`) is a reactivation.
    const restoreDeveloper = command.active === true && (await this.#cancelScheduledDelete(command, state));
    const cleared = command.active === true && state?.pendingDelete === true ? { pendingDelete: false } : {};
    const fields = {
      ...(command.name === undefined ? {} : { name: command.name }),
      ...(command.isDeveloper === undefined
        ? restoreDeveloper
          ? { isDeveloper: true }
          : {}
        : { isDeveloper: command.isDeveloper }),
    };

    if (Object.keys(fields).length === 0) {
      await this.#recordApplied(state, {
        email: command.email,
        commandId: command.id,
        occurredAt: command.occurredAt,
        unsupported,
        ...cleared,
      });
      return withOptional({ outcome: 'noop', action: 'update', detail: 'nothing-updatable' }, unsupported);
    }

    const updated = await this.#withUser(command, state, (userId) => this.#users.update({ userId, ...fields }));
    await this.#recordApplied(state, {
      email: command.email,
      commandId: command.id,
      occurredAt: command.occurredAt,
      userId: updated.id,
      status: updated.status,
      unsupported,
      ...cleared,
    });
    return withOptional(
      { outcome: 'applied', action: 'update', detail: 'updated', status: updated.status },
      unsupported,
    );
  }

  /**
   * A delete applied now: an immediate one, or the release of one whose grace period ended. A release the deletion
   * guard holds becomes the guard's (`idp-sync deletes`); once a delete ran, what waited for the person is settled.
   */
  async #deleteAfterGrace(
    command: ProvisioningCommand,
    state: PersonState | undefined,
    context: ApplyContext,
    grace: GraceDecision,
  ): Promise<ApplyResult> {
    const release = grace.kind === 'release';
    let result: ApplyResult;
    try {
      // Recorded at the person's watermark when that is newer: updates applied while it waited stay ordered before it.
      const recordAt =
        release && state?.watermarkMs !== undefined && state.watermarkMs > watermarkMs(command.occurredAt)
          ? new Date(state.watermarkMs).toISOString()
          : command.occurredAt;
      result = await this.#delete(command, state, context, recordAt);
    } catch (error) {
      if (release && error instanceof DeleteHeldError && error.verdict === 'held') {
        await this.#grace?.settleHeld(command);
      }
      throw error;
    }
    if (release || state?.pendingDelete === true) await this.#grace?.settleApplied(command.email);
    return result;
  }

  async #delete(command: ProvisioningCommand, state: PersonState | undefined, context: ApplyContext, recordAt: string) {
    let target = await this.#resolve(command.email, state);
    let status: 'DELETED' | 'NOT_FOUND' = 'NOT_FOUND';
    if (target !== null) {
      status = await this.#deleteOne(target.userId, context, command.id);
      // A cached id of a pending invite may have been replaced by a newer invite (an expired invite re-sent by an
      // admin gets a new id), so "not found" for such an id is checked against the email once.
      if (status === 'NOT_FOUND' && target.cached && target.status !== 'ACTIVE') {
        const fresh = await this.#users.get({ user: command.email });
        if (fresh !== null && fresh.id !== target.userId) {
          target = { userId: fresh.id, status: fresh.status, cached: false };
          status = await this.#deleteOne(fresh.id, {}, command.id);
        }
      }
    }
    await this.#recordApplied(state, {
      email: command.email,
      commandId: command.id,
      occurredAt: recordAt,
      ...(target === null ? {} : { userId: target.userId }),
      status: 'DELETED',
      unsupported: command.unsupported,
      ...(state?.pendingDelete === true ? { pendingDelete: false } : {}),
    });
    return withOptional(
      {
        outcome: 'applied' as const,
        action: 'delete' as const,
        detail: status === 'DELETED' ? 'deleted' : 'already-gone',
        status: 'DELETED' as const,
      },
      command.unsupported,
    );
  }

  /**
   * Deletes one id, in the batch's bulk delete when there is a ticket. 404 (already gone) is `NOT_FOUND`. With a
   * command id (a person's leave) the deletion guard decides first: a held delete throws {@link DeleteHeldError}.
   * Without one (undoing the account a join made during a newer leave) it is not counted.
   */
  async #deleteOne(userId: string, context: ApplyContext, commandId?: string): Promise<'DELETED' | 'NOT_FOUND'> {
    const ticket = context.bulkDelete;
    if (ticket !== undefined) {
      context.bulkDelete = undefined;
      return itemStatus(await ticket.submit(userId, commandId));
    }
    if (commandId !== undefined && this.#guard !== undefined) {
      const verdict = (await this.#guard.admit([commandId])).get(commandId);
      if (verdict === 'reused') throw new CommandRejectedError('CommandIdReused', COMMAND_ID_HELD_WITH_OTHER_CONTENT);
      if (verdict !== 'pass' && verdict !== 'approved') {
        throw new DeleteHeldError(verdict === 'discarded' ? 'discarded' : 'held');
      }
    }
    try {
      await this.#users.delete({ userId });
      return 'DELETED';
    } catch (error) {
      if (error instanceof NotFoundError) return 'NOT_FOUND';
      throw error;
    }
  }

  async #resend(command: ProvisioningCommand, state: PersonState | undefined): Promise<ApplyResult> {
    let target = await this.#resolve(command.email, state);
    if (target === null) throw userNotFound('resend-invitation');
    let detail = 'resent';
    if (target.status === undefined && target.cached) target = await this.#refresh(command.email);
    if (target.status === 'ACTIVE') detail = 'already-active';
    else if (target.status === 'EXPIRED') {
      target = await this.#reinvite(command, target.userId);
      detail = 'reinvited';
    } else {
      try {
        await this.#users.resendInvitation({ userId: target.userId });
      } catch (error) {
        // The cached status may be old: the person may have accepted, or the invitation expired since.
        if (!(error instanceof BadRequestError || error instanceof NotFoundError) || !target.cached) throw error;
        target = await this.#refresh(command.email);
        if (target.status === 'ACTIVE') detail = 'already-active';
        else if (target.status === 'EXPIRED') {
          target = await this.#reinvite(command, target.userId);
          detail = 'reinvited';
        } else if (error instanceof NotFoundError) {
          await this.#users.resendInvitation({ userId: target.userId });
        } else {
          throw rejected(error, 'ResendRejected', 'the Users API refused to resend the invitation (SSO enforced?)');
        }
      }
    }
    await this.#recordApplied(state, {
      email: command.email,
      commandId: command.id,
      occurredAt: command.occurredAt,
      userId: target.userId,
      status: target.status,
      unsupported: command.unsupported,
    });
    const outcome = detail === 'already-active' ? 'noop' : 'applied';
    return withOptional({ outcome, action: 'resend-invitation', detail, status: target.status }, command.unsupported);
  }

  /** An expired invitation cannot be resent; creating the same email again makes a new INVITED user and mails it. */
  async #reinvite(command: ProvisioningCommand, expiredUserId: string): Promise<Resolved> {
    const old = await this.#users.get({ user: expiredUserId });
    const result = await this.#users.create({
      name: command.name ?? old?.name ?? nameFromEmail(command.email),
      email: command.email,
      role: predefinedOr(old?.role, command.role ?? this.#defaultRole),
      inviteMode: 'EMAIL_LINK',
      ...(old === null ? {} : { isDeveloper: old.isDeveloper }),
    });
    // 200: someone re-invited them meanwhile, and that invitation was not mailed again by create.
    if (!result.created && result.user.status === 'INVITED') {
      await this.#users.resendInvitation({ userId: result.user.id });
    }
    return { userId: result.user.id, status: result.user.status, cached: false };
  }

  async #resetPassword(command: ProvisioningCommand, state: PersonState | undefined): Promise<ApplyResult> {
    let user: { id: string; status?: PersonStatus };
    try {
      user = await this.#withUser(command, state, async (userId) => {
        await this.#users.resetPassword({ userId });
        return { id: userId };
      });
    } catch (error) {
      if (error instanceof BadRequestError) {
        throw rejected(
          error,
          'ResetPasswordRejected',
          'the Users API refused the password reset: the user signs in with SSO/SAML or has not verified their email',
        );
      }
      throw error;
    }
    await this.#recordApplied(state, {
      email: command.email,
      commandId: command.id,
      occurredAt: command.occurredAt,
      userId: user.id,
      unsupported: command.unsupported,
    });
    return withOptional({ outcome: 'applied', action: 'reset-password', detail: 'reset-mailed' }, command.unsupported);
  }

  /**
   * Runs `call` with the person's id: the cached one, else a lookup. A cached id the API no longer knows (404) is
   * looked up by email once more before giving up; no user at all is `UserNotFound`.
   */
  async #withUser<T extends { id: string }>(
    command: ProvisioningCommand,
    state: PersonState | undefined,
    call: (userId: string) => Promise<T>,
  ): Promise<T> {
    const target = await this.#resolve(command.email, state);
    if (target === null) throw userNotFound(command.action);
    try {
      return await call(target.userId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      if (!target.cached) throw userNotFound(command.action, error);
      const fresh = await this.#users.get({ user: command.email });
      if (fresh === null || fresh.id === target.userId) throw userNotFound(command.action, error);
      return await call(fresh.id);
    }
  }

  /** The person's id: warm from the state table (no call), else one lookup by email. Null: no such user. */
  async #resolve(email: string, state: PersonState | undefined): Promise<Resolved | null> {
    if (state?.userId !== undefined && state.status !== 'DELETED') {
      return { userId: state.userId, status: state.status, cached: true };
    }
    const found = await this.#users.get({ user: email });
    return found === null ? null : { userId: found.id, status: found.status, cached: false };
  }

  async #refresh(email: string): Promise<Resolved> {
    const found = await this.#users.get({ user: email });
    if (found === null) throw userNotFound('resend-invitation');
    return { userId: found.id, status: found.status, cached: false };
  }
}

/** The note of a result whose person had a watermark from the future (logged as a warning by the worker). */
function suspectNote(watermark: EffectiveWatermark): string {
  return (
    `the person's watermark ${new Date(watermark.suspectMs ?? watermark.ms).toISOString()} (set by ` +
    `${watermark.setBy ?? 'an unknown command'}) lies beyond when it was written: read as ${watermark.at}, ` +
    'replaced by the next command applied'
  );
}

function itemStatus(item: BulkDeleteItemResult): 'DELETED' | 'NOT_FOUND' {
  if (item.status === 'DELETED' || item.status === 'NOT_FOUND') return item.status;
  throw item.cause ?? new BulkDeleteItemError(item.error ?? 'bulk delete item failed');
}

function userNotFound(action: string, cause?: unknown): CommandRejectedError {
  return new CommandRejectedError(
    'UserNotFound',
    `${action}: the Users API has no user with this email (never created, or deleted)`,
    { httpStatus: 404, cause },
  );
}

function rejected(error: BadRequestError, errorClass: string, reason: string): CommandRejectedError {
  const detail = error.detail ? ` (${error.detail})` : '';
  return new CommandRejectedError(errorClass, `${reason}${detail}`, { httpStatus: error.status, cause: error });
}

/** A create needs a name; a source that sent none gets the address's local part, which is what the person typed. */
function nameFromEmail(email: string): string {
  return email.slice(0, email.indexOf('@')).slice(0, 255) || email.slice(0, 255);
}

function predefinedOr(role: Role | undefined, fallback: PredefinedRole): Role {
  if (role?.type === 'PREDEFINED') return roles.predefined(role.name);
  // A custom role the expired invitation had is kept (its id; the name is the server's).
  if (role?.type === 'CUSTOM') return roles.custom(role.id);
  return roles.predefined(fallback);
}

function withOptional(result: ApplyResult, unsupported?: string[], notes?: string[]): ApplyResult {
  if (unsupported !== undefined && unsupported.length > 0) result.unsupported = unsupported;
  if (notes !== undefined && notes.length > 0) result.notes = notes;
  return result;
}
