import { type Logger, redactEmailsIn } from '@idp-sync/common';
import { commandFingerprint, deleteKind, formatGracePeriod, type ProvisioningCommand } from '@idp-sync/contracts';
import type { DeleteGracePort, GraceDecision } from '../applier/types';
import type { GracePeriodConfig } from '../grace/config';
import type { PendingDeleteRepository } from '../grace/pending-deletes';
import { type MetricsTally, WORKER_METRICS } from '../metrics';
import type { HoldSubject } from '../state/deletion-guard';
import type { PersonState } from '../state/types';

/**
 * The grace periods for one batch: decides whether a delete is applied now, starts a grace period, waits, or is the
 * release of one that ended; schedules with what the sweeper will re-send (the record's body and FIFO group);
 * cancels when a person comes back. Log lines carry the command id and the source, never an email.
 *
 * @example
 * const grace = new GraceGate({ repository, config, subjects, tally, logger, now });
 * const applier = new Applier({ ..., grace });
 */
export class GraceGate implements DeleteGracePort {
  readonly #repository: PendingDeleteRepository;
  readonly #config: GracePeriodConfig;
  readonly #subjects: ReadonlyMap<string, HoldSubject>;
  readonly #tally: MetricsTally;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(options: {
    repository: PendingDeleteRepository;
    config: GracePeriodConfig;
    subjects: ReadonlyMap<string, HoldSubject>;
    tally: MetricsTally;
    logger: Logger;
    now: () => Date;
  }) {
    this.#repository = options.repository;
    this.#config = options.config;
    this.#subjects = options.subjects;
    this.#tally = options.tally;
    this.#logger = options.logger;
    this.#now = options.now;
  }

  get revokeDeveloper(): boolean {
    return this.#config.revokeDeveloper;
  }

  /** The grace period that applies to this delete, in ms (0: none). */
  #periodFor(command: ProvisioningCommand, state: PersonState | undefined): number {
    if (state?.status === 'DELETED' || deleteKind(command) === 'termination') return 0;
    return this.#config.periods[command.source] ?? 0;
  }

  async decide(command: ProvisioningCommand, state: PersonState | undefined): Promise<GraceDecision> {
    const period = this.#periodFor(command, state);
    // One read only when something may wait (the state says so) or may start (a period applies).
    if (state?.pendingDelete !== true && period === 0) return { kind: 'immediate' };
    const item = await this.#repository.get(command.email);
    const live = item !== undefined && (item.status === 'pending' || item.status === 'due' || item.status === 'held');
    if (item !== undefined && item.commandId === command.id) {
      // A decision is about one command, byte for byte: a sender reusing an event id gains nothing.
      if (item.fingerprint !== commandFingerprint(command)) return { kind: 'reused' };
      if (item.status === 'pending') return { kind: 'waiting', dueAtMs: item.dueAtMs };
      if (item.status === 'due' || item.status === 'held') return { kind: 'release' };
      if (item.status === 'cancelled') return { kind: 'cancelled' };
      return { kind: 'immediate' }; // applied before: running it again finds the person gone
    }
    if (live && period > 0) return { kind: 'waiting', dueAtMs: item.dueAtMs };
    // An explicit termination (or a source whose period was turned off) does not wait behind a deactivation.
    if (period === 0) return { kind: 'immediate' };
    return { kind: 'schedule', dueAtMs: this.#now().getTime() + period };
  }

  async schedule(command: ProvisioningCommand, dueAtMs: number): Promise<'scheduled' | 'exists'> {
    const subject = this.#subjects.get(command.id);
    const nowMs = this.#now().getTime();
    const result = await this.#repository.schedule({
      email: command.email,
      commandId: command.id,
      fingerprint: commandFingerprint(command),
      // The record's own body: what the sweeper sends is what arrived. (A delete followed through a stable id to
      // another address is re-serialised: its body names the address it applies to.)
      body: subject !== undefined && subject.email === command.email ? subject.body : JSON.stringify(command),
      groupId: subject !== undefined && subject.email === command.email ? subject.groupId : command.email,
      source: command.source,
      sourceEventType: command.sourceEventType,
      occurredAt: command.occurredAt,
      scheduledAtMs: nowMs,
      dueAtMs,
    });
    if (result === 'scheduled') {
      this.#tally.count(WORKER_METRICS.deletesScheduled, 1, { source: command.source });
      this.#logger.info('deactivation: delete scheduled after the grace period', {
        correlation_id: command.id,
        commandId: command.id,
        source: command.source,
        sourceEventType: command.sourceEventType,
        gracePeriod: formatGracePeriod(dueAtMs - nowMs),
        dueAt: new Date(dueAtMs).toISOString(),
      });
    }
    return result;
  }

  async markDeveloperRevoked(command: ProvisioningCommand): Promise<void> {
    await this.#repository.markDeveloperRevoked(command.email, command.id);
  }

  async cancel(command: ProvisioningCommand): Promise<{ revokedDeveloper: boolean } | undefined> {
    const was = await this.#repository.cancel(command.email, command.id);
    if (was === undefined) return undefined;
    this.#tally.count(WORKER_METRICS.scheduledDeletesCancelled, 1, { source: was.source });
    this.#logger.info('the person came back within the grace period: scheduled delete cancelled', {
      correlation_id: command.id,
      commandId: command.id,
      source: command.source,
      cancelledCommandId: was.commandId,
      scheduledBy: was.source,
    });
    return { revokedDeveloper: was.revokedDeveloper === true };
  }

  async settleApplied(email: string): Promise<void> {
    try {
      await this.#repository.settleApplied(email);
    } catch (error) {
      // The delete ran; a release of it later finds the person gone (and this settles it then).
      this.#logger.warn('could not mark a scheduled delete applied', {
        error: redactEmailsIn(String((error as Error)?.message)),
      });
    }
  }

  async settleHeld(command: ProvisioningCommand): Promise<void> {
    await this.#repository.settleHeld(command.email, command.id);
  }
}
