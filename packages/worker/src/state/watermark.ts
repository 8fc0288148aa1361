import { MAX_OCCURRED_AT_SKEW_MS } from '@idp-sync/contracts';
import type { PersonState } from './types';

/** The watermark a command is compared with, and where it came from (for the stale log line). */
export interface EffectiveWatermark {
  /** Epoch milliseconds: a command older than this is stale. */
  readonly ms: number;
  /** `ms` as RFC 3339. */
  readonly at: string;
  /** The command that set it (`lastCommandId`). */
  readonly setBy: string | undefined;
  /**
   * Set when the stored watermark lies beyond the time it was written + one minute, which no command can reach since
   * `occurredAt` is capped (`boundOccurredAt`): it was written from a future timestamp before the cap existed. It is
   * then read as that write time + one minute (`ms`), and a command newer than that may replace it.
   */
  readonly suspectMs?: number;
}

/**
 * The watermark to compare a command with. A stored watermark beyond when it was written (`updatedAt`, else `now`)
 * plus {@link MAX_OCCURRED_AT_SKEW_MS} is suspect — one event from 2099 would otherwise block every later event of the
 * person forever — and is bounded the way the command that set it would be bounded today.
 *
 * @example
 * effectiveWatermark(state, Date.now())?.suspectMs // the stored 2099 watermark, when it is one
 */
export function effectiveWatermark(state: PersonState | undefined, nowMs: number): EffectiveWatermark | undefined {
  if (state?.watermarkMs === undefined) return undefined;
  const writtenMs = Date.parse(state.updatedAt);
  const limit = Math.min(Number.isNaN(writtenMs) ? nowMs : writtenMs, nowMs) + MAX_OCCURRED_AT_SKEW_MS;
  const suspect = state.watermarkMs > limit;
  const ms = suspect ? limit : state.watermarkMs;
  return {
    ms,
    at: new Date(ms).toISOString(),
    setBy: state.lastCommandId,
    ...(suspect ? { suspectMs: state.watermarkMs } : {}),
  };
}
