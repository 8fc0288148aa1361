/** SQS batch calls take at most 10 entries. */
export const MAX_BATCH_ENTRIES = 10;
/** SendMessageBatch refuses a batch whose messages add up to more than 256 KiB. */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Splits messages into SendMessageBatch calls: at most ten each and under 256 KiB (a body plus a generous allowance
 * for its attributes; a message alone over it still goes alone, as SQS decides). Keeps the order.
 *
 * @example
 * for (const part of sendBatches(entries, (e) => e.body)) await send(part);
 */
export function sendBatches<T>(items: readonly T[], bodyOf: (item: T) => string): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(bodyOf(item)) + 1024;
    if (current.length > 0 && (bytes + size > MAX_BATCH_BYTES || current.length >= MAX_BATCH_ENTRIES)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
