/**
 * `fn` over `items` with at most `limit` calls in flight; results in input order. `fn` should not reject (callers
 * capture per-item failures); if it does, the first rejection is returned after the in-flight calls settle.
 *
 * @example
 * await mapWithConcurrency([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6]
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return results;
}
