import type { SQSClient } from '@aws-sdk/client-sqs';
import { toDlqEntry } from './message';
import { queueDepth, receiveBatch } from './sqs';
import type { DlqEntry } from './types';
import { VisibilityHold } from './visibility';

/** How long a read hides each DLQ message (seconds): long enough to read on, short enough not to matter. */
export const READ_VISIBILITY_SECONDS = 5;

export interface ScanOptions {
  /** Long-poll wait of each receive (see IDP_SYNC_RECEIVE_WAIT_SECONDS). */
  waitTimeSeconds: number;
  visibilityTimeoutSeconds?: number;
  /** Stop as soon as an entry satisfies this (used by `show`). */
  stopWhen?: (entry: DlqEntry) => boolean;
  signal?: AbortSignal;
}

export interface ScanResult {
  /** Every message read, in the order SQS handed them out. */
  entries: DlqEntry[];
  /** ApproximateNumberOfMessages + NotVisible before the scan. */
  approximateTotal: number;
  /**
   * Messages the scan could not reach: in a FIFO queue, the later messages of a person's group are handed out only
   * after the earlier ones are deleted, and a read never deletes. They are still in the DLQ.
   */
  unreachable: number;
  /** Messages whose release failed: they become visible again by themselves within the visibility timeout. */
  notReleased: number;
}

/**
 * Reads the DLQ without consuming it: receives repeatedly with a SHORT visibility timeout, keeps what it has read
 * invisible (refreshing it) only while it reads on, de-duplicates by MessageId, stops when a receive returns nothing,
 * and finally releases everything at once (ChangeMessageVisibility 0).
 *
 * FIFO: a receive never returns a message while an earlier message of its group is in flight, so only the oldest
 * message(s) of each person's group can be read; `unreachable` counts the rest.
 *
 * @example
 * const { entries, unreachable } = await scanDlq(client, dlqUrl, { waitTimeSeconds: 1 });
 */
export async function scanDlq(client: SQSClient, dlqUrl: string, options: ScanOptions): Promise<ScanResult> {
  const visibility = options.visibilityTimeoutSeconds ?? READ_VISIBILITY_SECONDS;
  const depth = await queueDepth(client, dlqUrl);
  const hold = new VisibilityHold(client, dlqUrl, visibility);
  const seen = new Map<string, DlqEntry>();
  let notReleased = 0;
  try {
    // A receive that brings only already-seen messages means some came back (a refresh failed); a few in a row
    // means nothing new is coming.
    let roundsWithoutNew = 0;
    while (!options.signal?.aborted && roundsWithoutNew < 3) {
      await hold.refresh();
      const batch = await receiveBatch(client, dlqUrl, {
        visibilityTimeoutSeconds: visibility,
        waitTimeSeconds: options.waitTimeSeconds,
      });
      if (batch.length === 0) break;
      let fresh = 0;
      let found = false;
      for (const message of batch) {
        if (!message.MessageId || !message.ReceiptHandle) continue;
        hold.add(message.MessageId, message.ReceiptHandle);
        if (seen.has(message.MessageId)) continue;
        const entry = toDlqEntry(message);
        seen.set(entry.messageId, entry);
        fresh++;
        if (options.stopWhen?.(entry)) found = true;
      }
      if (found) break;
      roundsWithoutNew = fresh === 0 ? roundsWithoutNew + 1 : 0;
    }
  } finally {
    notReleased = await hold.releaseAll();
  }
  const entries = [...seen.values()];
  return {
    entries,
    approximateTotal: depth.total,
    unreachable: Math.max(0, depth.total - entries.length),
    notReleased,
  };
}
