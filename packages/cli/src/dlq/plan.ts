import { orderByPerson } from './order';
import { isPermanentFailure } from './permanent';
import type { DlqEntry } from './types';

/** What a replay does with the messages of the DLQ (the `--dry-run` answer, and what the replay then moves). */
export interface ReplayPlan {
  /** Would be sent back, person by person, each person's in their original order. */
  selected: DlqEntry[];
  /** Would stay: not selected, permanent, beyond `--max`, or behind a message of the same person that stays. */
  skipped: DlqEntry[];
  /** Selected by the filters but permanent failures, left without `--include-permanent` (also in `skipped`). */
  permanent: DlqEntry[];
  /**
   * Selected by the filters, but behind an earlier message of the same person that stays (not selected, or a
   * permanent failure), so as not to overtake it (also in `skipped`).
   */
  heldBack: DlqEntry[];
  /** Selected but beyond `--max` (also in `skipped`). */
  beyondMax: DlqEntry[];
}

export interface PlanOptions {
  /** Move at most this many. */
  max?: number;
  /** Replay permanent failures too (`--include-permanent`). */
  includePermanent?: boolean;
}

/**
 * Applies the replay's selection rules to the messages of the DLQ: each person's messages in their original order
 * (`orderByPerson`), the filter, permanent failures left unless asked for, a person's later messages left when an
 * earlier one stays (never reorder a person), and `--max`. The dry run and the replay both use it, so the dry run
 * counts exactly what the replay moves.
 *
 * @example
 * const plan = planReplay(entries, (e) => matchesFilter(filter, e), { max: 10 });
 */
export function planReplay(
  entries: readonly DlqEntry[],
  select: (e: DlqEntry) => boolean,
  options: PlanOptions = {},
): ReplayPlan {
  const plan: ReplayPlan = { selected: [], skipped: [], permanent: [], heldBack: [], beyondMax: [] };
  for (const person of orderByPerson(entries)) {
    let stays = false;
    for (const entry of person.entries) {
      const wanted = select(entry);
      if (stays) {
        if (wanted) plan.heldBack.push(entry);
        plan.skipped.push(entry);
        continue;
      }
      if (!wanted) {
        stays = true;
        plan.skipped.push(entry);
      } else if (!options.includePermanent && isPermanentFailure(entry)) {
        stays = true;
        plan.permanent.push(entry);
        plan.skipped.push(entry);
      } else if (options.max !== undefined && plan.selected.length >= options.max) {
        stays = true;
        plan.beyondMax.push(entry);
        plan.skipped.push(entry);
      } else {
        plan.selected.push(entry);
      }
    }
  }
  return plan;
}
