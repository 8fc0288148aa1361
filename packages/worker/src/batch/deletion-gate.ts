import { type Logger, redactEmailsIn } from '@idp-sync/common';
import { DELETION_APPROVED_ATTRIBUTE } from '@idp-sync/contracts';
import type { DeleteGuardPort } from '../applier/types';
import { type MetricsTally, WORKER_METRICS } from '../metrics';
import type { DeleteVerdict, DeletionGuardRepository, HoldSubject } from '../state/deletion-guard';
import { deleteSubjectsOf, type WorkerRecord } from './records';

/**
 * The deletion guard for one batch: builds what a held delete keeps from the batch's records, remembers each
 * command's verdict (a leave that follows a stable id and also deletes the address it names is admitted once), and
 * says what happened in metrics and log lines — the count and the limit, never an email.
 *
 * @example
 * const gate = new DeletionGate({ repository, records, tally, logger });
 * const applier = new Applier({ ..., guard: gate });
 */
export class DeletionGate implements DeleteGuardPort {
  readonly #repository: DeletionGuardRepository;
  readonly #subjects: ReadonlyMap<string, HoldSubject>;
  readonly #verdicts = new Map<string, DeleteVerdict>();
  readonly #tally: MetricsTally;
  readonly #logger: Logger;

  constructor(options: {
    repository: DeletionGuardRepository;
    records: readonly WorkerRecord[];
    tally: MetricsTally;
    logger: Logger;
  }) {
    this.#repository = options.repository;
    this.#tally = options.tally;
    this.#logger = options.logger;
    this.#subjects = deleteSubjectsOf(options.records);
  }

  async admit(commandIds: readonly string[]): Promise<ReadonlyMap<string, DeleteVerdict>> {
    const result = new Map<string, DeleteVerdict>();
    const ask: HoldSubject[] = [];
    for (const id of commandIds) {
      const known = this.#verdicts.get(id);
      if (known !== undefined) result.set(id, known);
      else {
        const subject = this.#subjects.get(id);
        // Every delete the applier runs came from this batch's records; anything else is not held back by mistake.
        if (subject === undefined) throw new Error(`deletion guard: command ${id} is not in this batch`);
        ask.push(subject);
      }
    }
    if (ask.length === 0) return result;
    const admission = await this.#repository.admit(ask);
    const held: string[] = [];
    for (const [id, verdict] of admission.verdicts) {
      this.#verdicts.set(id, verdict);
      result.set(id, verdict);
      if (verdict === 'held') held.push(id);
      else if (verdict === 'approved') this.#tally.count(WORKER_METRICS.approvedDeletesPassed);
      else if (verdict === 'discarded') this.#tally.count(WORKER_METRICS.discardedDeletesDropped);
    }
    const figures = {
      deletesInWindow: admission.deletesInWindow,
      limit: admission.limit,
      windowMinutes: this.#repository.config.windowMinutes,
      managedPeople: admission.managed,
    };
    if (admission.trippedNow) {
      this.#tally.count(WORKER_METRICS.deletionGuardTripped);
      this.#logger.error(
        `deletion guard tripped: ${admission.deletesInWindow} deletes in the last ${figures.windowMinutes} min reached the limit of ${admission.limit}; every further delete is held until a person re-arms the guard (idp-sync deletes)`,
        { ...figures, held: held.length },
      );
    }
    if (held.length > 0) {
      this.#tally.count(WORKER_METRICS.deletesHeld, held.length);
      for (const id of held) {
        const subject = this.#subjects.get(id);
        this.#logger.warn(
          `delete held by the deletion guard (${admission.deletesInWindow} deletes in the window, limit ${admission.limit})`,
          { correlation_id: id, commandId: id, action: 'delete', source: subject?.source, ...figures },
        );
      }
    }
    return result;
  }

  async personAdded(): Promise<void> {
    try {
      await this.#repository.personAdded();
    } catch (error) {
      // A count that lags by one only makes the limit a little stricter.
      this.#logger.warn('could not count a new person for the deletion guard', {
        error: redactEmailsIn(String((error as Error)?.message)),
      });
    }
  }

  /**
   * After a delete finished: marks its approval used (`applied`, or `superseded` when the stale guard skipped it)
   * when the guard passed it as approved in this batch, or the CLI's hint says it was approved. Never throws.
   */
  async settleApproved(record: WorkerRecord, outcome: 'applied' | 'noop' | 'stale'): Promise<void> {
    const command = record.command;
    if (command?.action !== 'delete') return;
    const hinted = record.record.messageAttributes?.[DELETION_APPROVED_ATTRIBUTE] !== undefined;
    if (this.#verdicts.get(command.id) !== 'approved' && !hinted) return;
    try {
      await this.#repository.markApprovalUsed(command.id, outcome === 'stale' ? 'superseded' : 'applied');
    } catch (error) {
      this.#logger.warn('could not mark an approved delete as used; its idempotency record still stops a second run', {
        correlation_id: command.id,
        commandId: command.id,
        error: redactEmailsIn(String((error as Error)?.message)),
      });
    }
  }
}
