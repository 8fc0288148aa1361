import type { DlqEntry } from './types';

/** What a replay would do with the messages a read can see (the `--dry-run` answer). */
export interface ReplayPlan {
  /** Would be sent back, in this order. */
  selected: DlqEntry[];
  /** Would stay: not selected, or behind a message of the same person that stays. */
  skipped: DlqEntry[];
  /** Selected but beyond `--max`. */
  beyondMax: DlqEntry[];
}

/**
 * Applies the replay's selection rules to messages already read, in the order SQS handed them out: the filter, a
 * person's later messages stay when an earlier one stays (never reorder a person), and `--max`.
 *
 * @example
 * const plan = planReplay(scan.entries, (e) => matchesFilter(filter, e), 10);
 */
export function planReplay(entries: readonly DlqEntry[], select: (e: DlqEntry) => boolean, max?: number): ReplayPlan {
  const plan: ReplayPlan = { selected: [], skipped: [], beyondMax: [] };
  const blocked = new Set<string>();
  for (const entry of entries) {
    const group = entry.groupId ?? `(no group) ${entry.messageId}`;
    if (blocked.has(group) || !select(entry)) {
      blocked.add(group);
      plan.skipped.push(entry);
    } else if (max !== undefined && plan.selected.length >= max) {
      plan.beyondMax.push(entry);
    } else {
      plan.selected.push(entry);
    }
  }
  return plan;
}
