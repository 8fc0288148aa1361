/**
 * What the worker last knew of a person in the Users API. `DELETED` is ours (the API does not list deleted users):
 * the person was deleted, or a delete found them already gone.
 */
export const PERSON_STATUSES = ['ACTIVE', 'INVITED', 'EXPIRED', 'DELETED'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** The state item of one person (`pk = person#<email>`, `sk = state`). */
export interface PersonState {
  email: string;
  /** The Users API id, cached so a warm update or delete costs one call. */
  userId?: string;
  status?: PersonStatus;
  /** `occurredAt` (RFC 3339, UTC) of the last applied command: older commands are stale. */
  watermark?: string;
  /** The watermark as epoch milliseconds; the conditional writes compare this. */
  watermarkMs?: number;
  lastCommandId?: string;
  /** Attributes the last command asked for that the Users API cannot change, recorded instead of dropped. */
  unsupported?: string[];
  unsupportedCommandId?: string;
  /** A delete of this person waits out a grace period (`pending-delete` item): a join or reactivation cancels it. */
  pendingDelete?: boolean;
  /** Groups the sources said the person is in (names and ids), recorded by `membership` commands for the role policy. */
  groups?: string[];
  updatedAt: string;
}

/** What a successfully applied command changes on the person's item. */
export interface AppliedChange {
  email: string;
  commandId: string;
  /** The command's `occurredAt`: the new watermark. */
  occurredAt: string;
  /** Set when the API told us the id; `null` removes a cached id that turned out to be gone. */
  userId?: string | null;
  status?: PersonStatus;
  unsupported?: string[];
  /** `true` when this command scheduled a delete of the person; `false` once it is cancelled or applied. */
  pendingDelete?: boolean;
  /**
   * A suspect watermark (`effectiveWatermark(...).suspectMs`) this write may replace although it is newer: the write
   * goes through when the item still holds exactly that watermark.
   */
  replacesWatermarkMs?: number;
}

/** The result of {@link PersonStateRepository.recordApplied}: `superseded` when a newer command got there first. */
export type RecordAppliedResult = 'written' | 'superseded';
